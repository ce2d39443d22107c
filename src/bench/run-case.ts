/** Runs one bench case in this process and prints its measurements as JSON (used by bench.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enableFastHistograms } from '../output/latency.js';
import { runWorld } from '../run/run-world.js';
import { scenarioFromValue } from '../scenario/index.js';
import { BENCH_CASES } from './cases.js';

const name = process.argv[2];
const c = BENCH_CASES.find((x) => x.name === name);
if (c === undefined) {
  process.stderr.write(`unknown bench case ${String(name)}\n`);
  process.exit(2);
}
await enableFastHistograms();
const loaded = scenarioFromValue(c.scenario, `bench:${c.name}`);
const out = mkdtempSync(join(tmpdir(), 'knsim-bench-'));
const started = process.hrtime.bigint();
const result = runWorld(loaded.world, { outDir: join(out, 'run'), trace: { mode: c.trace } });
const wall = Number(process.hrtime.bigint() - started) / 1e9;
rmSync(out, { recursive: true, force: true });
const requests = result.world.requestsSent;
process.stdout.write(
  JSON.stringify({
    case: c.name,
    simulatedRequests: requests,
    simulatedRequestsPerSecond: Math.round(requests / wall),
    eventsPerSecond: Math.round(result.world.sim.events / wall),
    simulatedSecondsPerWallSecond: Math.round(loaded.world.durationSeconds / wall),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    wallSeconds: Math.round(wall * 100) / 100,
  }) + '\n',
);
