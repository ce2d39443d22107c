/** Runs one bench case in this process and prints its measurements as JSON (used by bench.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullRecorder } from '../model/recorder.js';
import type { WorldSpec } from '../model/spec.js';
import { World } from '../model/world.js';
import { runWorld } from '../run/run-world.js';
import { scenarioFromValue } from '../scenario/index.js';
import { bareLoopSeconds } from './bare-loop.js';
import { BENCH_CASES } from './cases.js';

/** The event list's mean size over a run, sampled at 1,000 instants of a separate, untimed run. */
function meanQueueSize(spec: WorldSpec): number {
  const world = new World(spec, nullRecorder);
  let sum = 0;
  const slices = 1000;
  for (let k = 1; k <= slices; k++) {
    world.sim.run((spec.durationSeconds * k) / slices);
    sum += world.sim.pending;
  }
  return sum / slices;
}

const name = process.argv[2];
const c = BENCH_CASES.find((x) => x.name === name);
if (c === undefined) {
  process.stderr.write(`unknown bench case ${String(name)}\n`);
  process.exit(2);
}
const loaded = scenarioFromValue(c.scenario, `bench:${c.name}`);
const out = mkdtempSync(join(tmpdir(), 'knsim-bench-'));
const started = process.hrtime.bigint();
const cpuStarted = process.cpuUsage();
const result = runWorld(loaded.world, { outDir: join(out, 'run'), trace: { mode: c.trace }, series: c.series ?? true });
const wall = Number(process.hrtime.bigint() - started) / 1e9;
const cpuUsed = process.cpuUsage(cpuStarted);
const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
rmSync(out, { recursive: true, force: true });
const requests = result.world.requestsSent;
const events = result.world.sim.events;
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
/** The bare loop's CPU seconds against the case's: both CPU time, measured one after the other. */
let bare: { queueSize: number; seconds: number } | undefined;
if (c.bareLoop === true) {
  const queueSize = Math.round(meanQueueSize(loaded.world));
  bare = { queueSize, seconds: bareLoopSeconds(events, queueSize) };
}
process.stdout.write(
  JSON.stringify({
    case: c.name,
    simulatedRequests: requests,
    simulatedRequestsPerSecond: Math.round(requests / wall),
    events,
    eventsPerSecond: Math.round(events / wall),
    simulatedSecondsPerWallSecond: Math.round(loaded.world.durationSeconds / wall),
    maxReadyPods: result.summary.overall.maxReadyPods,
    peakRssMB,
    wallSeconds: Math.round(wall * 100) / 100,
    cpuSeconds: Math.round(cpu * 100) / 100,
    ...(bare === undefined
      ? {}
      : { bareLoopQueueSize: bare.queueSize, bareLoopEventsPerCpuSecond: Math.round(events / bare.seconds), bareLoopRatio: Math.round((bare.seconds / cpu) * 100) / 100 }),
  }) + '\n',
);
