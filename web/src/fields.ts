/**
 * The seed and duration fields, read as the CLI reads --seed and --duration (a Go duration:
 * `90s`, not `90`). A bad value is
 * the field's own error: left to the loader, a seed of -1 was reported as `scenario.yaml: seed`
 * at line 1, a line that never held it.
 */
import { parseDuration } from '../../src/scenario/values.js';

/** @throws Error with a one-line message naming the field */
export function overrideFields(seedText: string, durationText: string): { seed: number | undefined; durationSeconds: number | undefined } {
  const s = seedText.trim();
  let seed: number | undefined;
  if (s !== '') {
    // Decimal digits only, as --seed: Number() would take -1, 1.5 and 1e3.
    seed = /^\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!Number.isSafeInteger(seed)) throw new Error(`seed: must be a whole number ≥ 0 (got ${JSON.stringify(s)})`);
  }
  const d = durationText.trim();
  let durationSeconds: number | undefined;
  if (d !== '') {
    // Read as text, as --duration reads it: a bare number is refused with the seconds spelling
    // as a hint ("5" meant as minutes ran 5 s).
    const parsed = parseDuration(d);
    if (!parsed.ok) throw new Error(`duration: ${parsed.rule}`);
    if (!(parsed.seconds > 0)) throw new Error(`duration: must be greater than 0, got ${d}`);
    durationSeconds = parsed.seconds;
  }
  return { seed, durationSeconds };
}
