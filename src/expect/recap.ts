/**
 * What `knsim test` prints before its closing count when several scenarios ran and some
 * failed: every FAIL and ERROR line again, each with its file, so a CI log of hundreds of
 * PASS lines says what to look at without a search.
 */
import type { TestRun } from './run-tests.js';

/** The recap's lines, or none when one scenario ran (its block is the recap) or nothing failed. */
export function failureRecap(run: TestRun): string[] {
  if (run.scenarios.length < 2) return [];
  const lines: string[] = [];
  let scenarios = 0;
  for (const s of run.scenarios) {
    const before = lines.length;
    if (s.error !== undefined) lines.push(`  ${s.file}: ERROR ${s.error}`);
    for (const r of s.results) {
      const scope = r.scope === '' ? '' : ` [${r.scope}]`;
      if (r.error !== undefined) lines.push(`  ${s.file}: ERROR ${r.expectation.text}${scope}: ${r.error}`);
      else if (!r.pass) lines.push(`  ${s.file}: FAIL ${r.expectation.text}${scope}: got ${r.actual}`);
    }
    if (lines.length > before) scenarios++;
  }
  if (lines.length === 0) return [];
  return [`failed in ${scenarios} of ${run.scenarios.length} scenarios:`, ...lines];
}
