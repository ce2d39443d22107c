/**
 * One scenario of `npm run bench:scaling` in this process (a fresh one per case, so peak RSS
 * is the case's own): `node dist/bench/run-scaling-case.js <key>`, the key as specKey writes
 * it, and an empty directory for the outputs (the caller removes it). Applies knsim's default work limits first, as `knsim run` does, so a refusal by a cap
 * shows as one; prints one JSON line (a ScalingRow).
 */
import { join } from 'node:path';
import { runWorld } from '../run/run-world.js';
import { formatError, scenarioFromValue } from '../scenario/index.js';
import { checkWork, guardProgress } from '../scenario/work-estimate.js';
import { parseSpecKey, scalingScenario, specKey, type ScalingRow } from './scaling-cases.js';

const spec = parseSpecKey(process.argv[2] ?? '');
const key = specKey(spec);
const dir = process.argv[3];
if (dir === undefined) throw new Error('usage: run-scaling-case.js <key> <output directory>');
const loaded = scenarioFromValue(scalingScenario(spec), `scaling:${key}`);
try {
  checkWork(loaded);
} catch (e) {
  const message = formatError(e);
  if (message === undefined) throw e;
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
const wallFrom = process.hrtime.bigint();
const cpuFrom = process.cpuUsage();
const result = guardProgress(loaded, () => runWorld(loaded.world, { outDir: join(dir, 'run'), trace: { mode: 'none' } }));
const cpu = process.cpuUsage(cpuFrom);
const row: ScalingRow = {
  key,
  services: loaded.world.services.length,
  simulatedSeconds: loaded.world.durationSeconds,
  requests: result.world.requestsSent,
  events: result.world.sim.events,
  maxReadyPods: result.summary.overall.maxReadyPods,
  cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  wallSeconds: Math.round(Number(process.hrtime.bigint() - wallFrom) / 1e7) / 100,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(JSON.stringify(row) + '\n');
