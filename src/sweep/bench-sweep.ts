/**
 * The sweep case of `npm run bench`: the same sweep on 1 thread (in-process) and on a
 * pool of 2 worker threads, wall time of each and the speed-up. Run directly
 * (`node dist/sweep/bench-sweep.js`) it prints the result as JSON.
 */
import { fileURLToPath } from 'node:url';
import { enableFastHistograms } from '../output/latency.js';
import { parseAxes } from './axes.js';
import { defineSweep } from './define.js';
import { createRunner } from './pool.js';
import { runSweep, sweepPoints } from './sweep.js';

export interface SweepBench {
  workers1Seconds: number;
  workers2Seconds: number;
  speedup: number;
}

export interface SweepBenchDetails extends SweepBench {
  points: number;
  replications: number;
  runs: number;
  /** Timed rounds per configuration (interleaved); the fastest of each counts. */
  rounds: number;
  /** Every round's wall time, seconds. */
  workers1All: number[];
  workers2All: number[];
  /** CPU seconds (all threads) over wall seconds in the fastest 2-worker round: the cores actually used. */
  workers2CoresUsed: number;
  /** The two configurations gave the same numbers. */
  identical: boolean;
}

/** The scenario file, relative to the package root (dist/sweep/ → ../../scenarios). */
const SCENARIO = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));

/**
 * quickstart with its load raised to 1,000 rps and kept on for the whole 5 simulated
 * minutes; containerConcurrency 2…9 (8 points) × 2 replications = 16 runs of about
 * 290,000 requests each. Each configuration is timed `rounds` times, interleaved, and
 * the fastest round counts: on a shared machine other load only ever slows a round down.
 */
export async function benchSweepDetails(rounds = 3): Promise<SweepBenchDetails> {
  await enableFastHistograms();
  const axes = parseAxes(['services[0].manifest.spec.template.spec.containerConcurrency=2..9'], '--grid');
  const { def } = defineSweep({
    file: SCENARIO,
    axes,
    sets: ['clients[0].open.rate.steps[1].rps=1000', 'clients[0].open.rate.steps[2].at=5m'],
    durationSeconds: 300,
    replications: 2,
  });
  const points = [...Array(sweepPoints(def)).keys()];
  const time = async (workers: number) => {
    const runner = createRunner(workers);
    const cpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    try {
      const results = await runSweep({ file: SCENARIO, def, points, runner });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, results: JSON.stringify(results) };
    } finally {
      await runner.close();
    }
  };
  const one: Array<Awaited<ReturnType<typeof time>>> = [];
  const two: Array<Awaited<ReturnType<typeof time>>> = [];
  for (let i = 0; i < rounds; i++) {
    one.push(await time(1));
    two.push(await time(2));
  }
  const best = (xs: typeof one) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const b1 = best(one);
  const b2 = best(two);
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  return {
    workers1Seconds: r2(b1.seconds),
    workers2Seconds: r2(b2.seconds),
    speedup: r2(b1.seconds / b2.seconds),
    points: points.length,
    replications: def.replications,
    runs: points.length * def.replications,
    rounds,
    workers1All: one.map((x) => r2(x.seconds)),
    workers2All: two.map((x) => r2(x.seconds)),
    workers2CoresUsed: r2(b2.cpuSeconds / b2.seconds),
    identical: [...one, ...two].every((x) => x.results === b1.results),
  };
}

export async function benchSweep(): Promise<SweepBench> {
  const { workers1Seconds, workers2Seconds, speedup } = await benchSweepDetails();
  return { workers1Seconds, workers2Seconds, speedup };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = process.argv[2] !== undefined ? Number(process.argv[2]) : 3;
  process.stdout.write(JSON.stringify(await benchSweepDetails(rounds)) + '\n');
}
