/**
 * `npm run bench`: runs every case in a fresh process (so peak RSS is the case's own), under
 * the V8 flags bin/knsim.js sets (so its code compiles as in `knsim run`), prints a table and
 * writes reports/bench/bench.json. Never part of the test suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V8_FLAGS } from '../run/v8-flags.js';
import type { SweepBenchDetails } from '../sweep/bench-sweep.js';
import { QUICKSTART_PROCESS_TARGET_CPU_SECONDS, type ProcessBench } from './bench-process.js';
import { BENCH_CASES } from './cases.js';

interface Row {
  case: string;
  simulatedRequests: number;
  simulatedRequestsPerSecond: number;
  events: number;
  eventsPerSecond: number;
  simulatedSecondsPerWallSecond: number;
  maxReadyPods: number;
  peakRssMB: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Only for cases with bareLoop: the queue size used, the bare loop's events per CPU second, and this case's over it. */
  bareLoopQueueSize?: number;
  bareLoopEventsPerCpuSecond?: number;
  bareLoopRatio?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const wanted = (name: string): boolean => only.length === 0 || only.includes(name);
const rows: Row[] = [];
/** Every case measured, with its headline figures and target, for the closing table. */
const summary: Array<{ case: string; measured: string; target: string }> = [];
for (const c of BENCH_CASES) {
  if (!wanted(c.name)) continue;
  process.stderr.write(`bench: ${c.name} — ${c.description} …\n`);
  const out = execFileSync(process.execPath, [...V8_FLAGS, join(here, 'run-case.js'), c.name], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const row = JSON.parse(out.trim().split('\n').at(-1)!) as Row;
  rows.push(row);
  const bare = row.bareLoopRatio === undefined ? '' : `, ${row.bareLoopRatio} of a bare queue loop`;
  process.stderr.write(`  ${row.simulatedRequestsPerSecond.toLocaleString('en-US')} req/s${bare}, peak RSS ${row.peakRssMB} MB, ${row.wallSeconds} s (target ${c.target})\n`);
  summary.push({ case: c.name, measured: `${row.simulatedRequestsPerSecond.toLocaleString('en-US')} req/s${bare}, peak RSS ${row.peakRssMB} MB, ${row.wallSeconds} s wall`, target: c.target });
}

const pad = (s: string, n: number) => s.padStart(n);
console.log(
  ['case'.padEnd(24), pad('requests', 12), pad('req/s', 12), pad('events/s', 12), pad('sim s/wall s', 13), pad('max pods', 9), pad('peak RSS MB', 12), pad('wall s', 8), pad('bare', 6), '  target'].join(''),
);
for (const r of rows) {
  const c = BENCH_CASES.find((x) => x.name === r.case)!;
  console.log(
    [
      r.case.padEnd(24),
      pad(r.simulatedRequests.toLocaleString('en-US'), 12),
      pad(r.simulatedRequestsPerSecond.toLocaleString('en-US'), 12),
      pad(r.eventsPerSecond.toLocaleString('en-US'), 12),
      pad(r.simulatedSecondsPerWallSecond.toLocaleString('en-US'), 13),
      pad(r.maxReadyPods.toLocaleString('en-US'), 9),
      pad(String(r.peakRssMB), 12),
      pad(String(r.wallSeconds), 8),
      pad(r.bareLoopRatio === undefined ? '' : String(r.bareLoopRatio), 6),
      `  ${c.target}`,
    ].join(''),
  );
}
const row = (name: string): Row | undefined => rows.find((r) => r.case === name);
const bareRow = rows.find((r) => r.bareLoopRatio !== undefined);
if (bareRow !== undefined) {
  console.log(
    `${bareRow.case}: ${Math.round(bareRow.events / bareRow.cpuSeconds).toLocaleString('en-US')} events per CPU second against a bare fastpriorityqueue pop+push loop's ${bareRow.bareLoopEventsPerCpuSecond!.toLocaleString('en-US')} (same ${bareRow.events.toLocaleString('en-US')} events, queue of ${bareRow.bareLoopQueueSize}, measured right after): ${bareRow.bareLoopRatio}`,
  );
}
const steadyRow = row('steady-1h');
for (const name of ['1000-services', '1000-services-no-series']) {
  const services = row(name);
  if (services !== undefined && steadyRow !== undefined) {
    console.log(`${name}: ${Math.round((services.wallSeconds / steadyRow.wallSeconds) * 10) / 10}× steady-1h's wall at the same total rate`);
  }
}
const small = row('scale-up-500');
const large = row('scale-up-2000');
if (small !== undefined && large !== undefined) {
  const perEvent = small.eventsPerSecond / large.eventsPerSecond;
  console.log(`scale-up-2000 (${large.maxReadyPods.toLocaleString('en-US')} pods): ${Math.round(perEvent * 100) / 100}× scale-up-500's wall per event (${small.maxReadyPods.toLocaleString('en-US')} pods)`);
}
mkdirSync('reports/bench', { recursive: true });
// Only a full set of cases replaces bench.json (a single-case run just prints).
if (only.length === 0) writeFileSync(
  'reports/bench/bench.json',
  JSON.stringify(rows.map(({ wallSeconds: _w, cpuSeconds: _c, ...r }) => r), null, 2) + '\n',
);
if (only.length === 0) console.log('wrote reports/bench/bench.json');

// ---- Sweep on worker threads (issue 5): the same 40-run sweep on 1 thread and on 2 threads.
if (wanted('sweep-workers')) {
  process.stderr.write('bench: sweep-workers — a 40-run sweep on 1 thread, then on 2 threads (warm runners, best of 3 rounds; then `knsim sweep` end to end, median of 3) …\n');
  const out = execFileSync(process.execPath, [...V8_FLAGS, join(here, '../sweep/bench-sweep.js')], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const s = JSON.parse(out.trim().split('\n').at(-1)!) as SweepBenchDetails;
  console.log(
    `sweep-workers: ${s.runs} runs — 1 thread ${s.workers1Seconds} s, 2 threads ${s.workers2Seconds} s: speed-up ${s.speedup}× (CPU/wall with 2 threads: ${s.workers2CoresUsed} cores)`,
  );
  console.log(
    `sweep-workers, \`knsim sweep\` end to end (process, worker and JIT start included): --workers 1 ${s.cliWorkers1Seconds} s, --workers 2 ${s.cliWorkers2Seconds} s (medians): speed-up ${s.cliSpeedup}× (best rounds ${s.cliBestSpeedup}×; CPU s ${s.cliWorkers1Cpu.join(', ')} vs ${s.cliWorkers2Cpu.join(', ')}; load average ${s.loadAverage.join(' → ')})`,
  );
  if (s.cliWorkers2Threads.length > 0) {
    const fmt = (t: SweepBenchDetails['cliWorkers1Threads'][number]): string => `${t.simulation.join(' + ')} | ${t.background}`;
    console.log(
      `sweep-workers, each round's CPU s by thread (simulation threads | V8 and libuv background): --workers 1 ${s.cliWorkers1Threads.map(fmt).join('; ')}; --workers 2 ${s.cliWorkers2Threads.map(fmt).join('; ')}`,
    );
  }
  summary.push({ case: 'sweep-workers', measured: `${s.cliSpeedup}× end to end (${s.cliWorkers1Seconds} s → ${s.cliWorkers2Seconds} s); warm runners ${s.speedup}×`, target: '≥ 1.8× end to end' });
  mkdirSync('reports/bench', { recursive: true });
  writeFileSync('reports/bench/bench-sweep.json', JSON.stringify(s, null, 2) + '\n');
  console.log('wrote reports/bench/bench-sweep.json');
}

// ---- Start-up (issue 19): `knsim run scenarios/quickstart.yaml` as a whole process.
if (wanted('quickstart-process')) {
  process.stderr.write('bench: quickstart-process — `knsim run scenarios/quickstart.yaml` as a fresh process, with and without --no-report (median of 5, interleaved) …\n');
  const out = execFileSync(process.execPath, [join(here, 'bench-process.js')], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const p = JSON.parse(out.trim().split('\n').at(-1)!) as ProcessBench;
  console.log(
    `quickstart-process: --no-report ${p.noReportCpuSeconds} s CPU (peak RSS ${p.noReportPeakRssMB} MB), with the report ${p.withReportCpuSeconds} s CPU (peak RSS ${p.withReportPeakRssMB} MB); \`node -e 0\` ${p.nodeFloorCpuSeconds} s`,
  );
  summary.push({
    case: 'quickstart-process',
    measured: `${p.noReportCpuSeconds} s CPU with --no-report; ${p.withReportCpuSeconds} s with the report`,
    target: `≤ ${QUICKSTART_PROCESS_TARGET_CPU_SECONDS} s CPU (--no-report)`,
  });
  mkdirSync('reports/bench', { recursive: true });
  writeFileSync('reports/bench/bench-process.json', JSON.stringify(p, null, 2) + '\n');
  console.log('wrote reports/bench/bench-process.json');
}

// ---- Every case measured, with its target.
if (summary.length > 0) {
  const w = Math.max(...summary.map((x) => x.case.length), 4) + 2;
  const m = Math.max(...summary.map((x) => x.measured.length), 8) + 2;
  console.log(`\n${'case'.padEnd(w)}${'measured'.padEnd(m)}target`);
  for (const x of summary) console.log(`${x.case.padEnd(w)}${x.measured.padEnd(m)}${x.target}`);
}
