/**
 * Every command that takes --max-requests hands it to the trace loader: a trace window past it is
 * refused as it loads (`at least N+1 requests`), not once all of it is held (`N requests`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, runKnsim } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';

const { file, out } = scenarioInTempDir(
  'knsim-trace-limit-',
  tinyScenario('tracelimit', '60s', 1).replace('  - { name: load, service: hello, open: { rps: 1 } }', '  - { name: replay, service: hello, trace: { file: arrivals.csv } }'),
);
// 2000 arrivals 10 ms apart, all in the 60 s run.
writeFileSync(join(file, '..', 'arrivals.csv'), `${Array.from({ length: 2000 }, (_, i) => (i / 100).toFixed(2)).join('\n')}\n`);

const line = `knsim: ${file}: clients[0].trace.file: at least 101 requests in 60 s exceeds the limit of 100 requests (raise with --max-requests)\n`;

describe('--max-requests stops loading a trace at its 101st arrival', () => {
  it.each([
    ['run', ['run', file, '--out', out, '--no-report']],
    ['sweep', ['sweep', file, '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '--replications', '1', '--workers', '1', '--no-report', '--out', out]],
    ['tune', ['tune', file, '--space', 'services[0].initialPods=1,2', '--slo', 'p99<=1s', '--workers', '1', '--out', out]],
    ['compare', ['compare', file, '--class', 'kpa', '--class', 'hpa', '--workers', '1', '--out', out]],
    ['test', ['test', file]],
  ])('knsim %s: one line, exit 2', (_, args) => {
    const r = runKnsim([...args, '--max-requests', '100'], join(file, '..'), { CI: '1' }, 120_000);
    expect(r.stderr).toBe(line);
    expect(r.code).toBe(2);
  });
});

describe('an azure2021 window past the limit from a pipe', () => {
  it('is refused as a pipe, which cannot be read again from its earliest invocation (the second read found "an empty file")', () => {
    const { file: piped, out: pipedOut } = scenarioInTempDir(
      'knsim-trace-limit-pipe-',
      tinyScenario('tracelimit', '60s', 1).replace('  - { name: load, service: hello, open: { rps: 1 } }', '  - { name: replay, service: hello, trace: { file: /dev/stdin, format: azure2021 } }'),
    );
    // 2000 invocations 10 ms apart: the first read holds 1024 before it lets them go.
    const csv = `app,func,end_timestamp,duration\n${Array.from({ length: 2000 }, (_, i) => `a,f,${(1000.01 + i / 100).toFixed(2)},0.01`).join('\n')}\n`;
    const csvFile = join(piped, '..', 'trace.csv');
    writeFileSync(csvFile, csv);
    // Through the shell's pipe (Node's own stdin for a child is a socket, which knsim refuses).
    const script = 'cat "$1" | "$2" "$3" run "$4" --out "$5" --no-report --max-requests 100';
    const r = spawnSync('sh', ['-c', script, 'sh', csvFile, process.execPath, bin, piped, pipedOut], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
    expect(r.stderr).toBe(
      `knsim: ${piped}: clients[0].trace.file: /dev/stdin is a pipe, read once: an azure2021 window past the request limit (100) is read again from its earliest invocation; save the trace to a file or raise --max-requests\n`,
    );
    expect(r.status).toBe(2);
  });
});
