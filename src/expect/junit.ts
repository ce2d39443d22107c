/**
 * JUnit XML for CI systems: a <testsuite> per scenario file, a <testcase> per expectation
 * (a <failure> when it failed), and an <error> testcase for a scenario that could not run.
 */

export interface JunitCase {
  name: string;
  /** Set when the expectation failed. */
  failure?: string;
  /** Set when the scenario could not be loaded or run. */
  error?: string;
}

export interface JunitSuite {
  /** The scenario file. */
  name: string;
  /** The scenario's name (the test cases' classname). */
  className: string;
  seconds: number;
  cases: JunitCase[];
}

/** Escapes text for an XML attribute or element (and drops characters XML 1.0 cannot hold). */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // As references: a parser reads a tab or line break in an attribute as a space (XML 1.0, 3.3.3), and a CR anywhere as LF.
    .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function junitXml(suites: readonly JunitSuite[]): string {
  const count = (s: JunitSuite, k: 'failure' | 'error'): number => s.cases.filter((c) => c[k] !== undefined).length;
  const total = (k: 'failure' | 'error'): number => suites.reduce((a, s) => a + count(s, k), 0);
  const tests = suites.reduce((a, s) => a + s.cases.length, 0);
  const time = (x: number): string => x.toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="knsim test" tests="${tests}" failures="${total('failure')}" errors="${total('error')}" time="${time(suites.reduce((a, s) => a + s.seconds, 0))}">`,
  ];
  for (const s of suites) {
    lines.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${count(s, 'failure')}" errors="${count(s, 'error')}" time="${time(s.seconds)}">`);
    for (const c of s.cases) {
      const open = `    <testcase classname="${xmlEscape(s.className)}" name="${xmlEscape(c.name)}"`;
      if (c.failure !== undefined) lines.push(`${open}>`, `      <failure message="${xmlEscape(c.failure)}">${xmlEscape(c.failure)}</failure>`, '    </testcase>');
      else if (c.error !== undefined) lines.push(`${open}>`, `      <error message="${xmlEscape(c.error)}">${xmlEscape(c.error)}</error>`, '    </testcase>');
      else lines.push(`${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
