/**
 * A trace window of many arrivals is held outside V8's heap (typed arrays), so loading it
 * cannot abort knsim with V8's "Reached heap limit" and a native stack trace.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runKnsim } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';

describe('a trace of a million arrivals in the window', () => {
  it('loads under a 32 MB heap (the arrivals held as numbers took more and aborted, exit 134)', () => {
    const { file, out } = scenarioInTempDir(
      'knsim-trace-heap-',
      tinyScenario('heap', '1h', 1).replace('  - { name: load, service: hello, open: { rps: 1 } }', '  - { name: replay, service: hello, trace: { file: arrivals.csv } }'),
    );
    const trace = join(file, '..', 'arrivals.csv');
    // 1,000,000 arrivals 1 ms apart, each with a duration: 13 MB.
    const lines = ['arrival,duration'];
    for (let i = 0; i < 1_000_000; i++) lines.push(`${(i / 1000).toFixed(3)},0.05`);
    writeFileSync(trace, `${lines.join('\n')}\n`);
    try {
      // --max-requests 999999 stops it at the last arrival, once the 999,999 before it are held, with one line.
      const r = runKnsim(['run', file, '--out', out, '--no-report', '--max-requests', '999999'], root, { NODE_OPTIONS: '--max-old-space-size=32' }, 120_000);
      expect(r.stderr).toBe(`knsim: ${file}: clients[0].trace.file: at least 1000000 requests in 3600 s exceeds the limit of 999999 requests (raise with --max-requests)\n`);
      expect(r.code).toBe(2);
    } finally {
      rmSync(trace);
    }
  });
});
