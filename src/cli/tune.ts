/**
 * `knsim tune <scenario> --space path=range|list ... --slo 'p99<=500ms' ... --objective podSeconds`:
 * the cheapest configuration that meets every SLO with 95 % confidence, printed as a
 * YAML patch for the user's Service (and ConfigMaps).
 */
import { inputFilesOpened } from '../scenario/regular-file.js';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { servesWebSockets, streamsResponses } from '../run/run-options.js';
import { parseAxes } from '../sweep/axes.js';
import { defineSweep } from '../sweep/define.js';
import { METRICS } from '../output/metrics.js';
import { createRunner } from '../sweep/pool.js';
import { createProgress } from '../sweep/progress.js';
import { tuneRuns } from '../sweep/tune-runs.js';
import { writeTuneDir } from '../sweep/tune-output.js';
import { checkMeasured, fewReplicationsCaveat, parseObjective, parseSlo, tune, winnerPatch, type TunePhase } from '../sweep/tune.js';
import { flagLines, tuneFlags } from '../sweep/tune-flags.js';
import { withCI } from '../sweep/report/report.js';
import { closestText, noWinnerText, replicationsRun } from '../sweep/report/tune-report.js';
import { UsageError } from './errors.js';
import { checkExpectBlock } from './expect-block.js';
import { checkOutDir } from '../output/output-dir.js';
import { outLabel } from './run.js';
import { checkWorkerThreads } from './worker-memory.js';
import { requireOptional } from './optional-deps.js';
import { parseBatchFlags, type BatchFlagArgs } from './sweep.js';
import { stringList } from './flags.js';
import { countFinished, nothingKept, sayWhenInterrupted } from './interrupted.js';

/** Exit code when no configuration meets every SLO (the outputs are still written). */
export const EXIT_NO_SOLUTION = 3;

export interface TuneArgs extends BatchFlagArgs {
  scenario: string;
  space?: unknown;
  slo?: unknown;
  objective?: unknown;
  set?: unknown;
  out?: unknown;
  report?: unknown;
}

/** The progress bar's label: the phase and what the batch is, e.g. "tune quickstart phase 2/2 search (round 3, 4 of 5 replications)". */
export function phaseLabel(scenario: string, phase: TunePhase): string {
  return `tune ${scenario} phase ${phase.index}/${phase.count} ${phase.name} (${phase.step})`;
}

export async function tuneCommand(args: TuneArgs): Promise<void> {
  const { replications, workers, seed, durationSeconds, limits, maxRequests } = parseBatchFlags(args, 2);
  const objective = parseObjective(args.objective);
  const sloTexts = stringList(args.slo);
  if (sloTexts.length === 0) throw new UsageError(`--slo: give at least one, e.g. --slo 'p99<=500ms' --slo 'errorRate<=0.1%'`);
  const slos = sloTexts.map(parseSlo);
  const axes = parseAxes(stringList(args.space), '--space');
  const sets = stringList(args.set);
  const { def } = defineSweep({
    file: args.scenario,
    axes,
    sets,
    ...(seed !== undefined ? { seed } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    seeds: 'common',
    replications,
    flag: '--space',
    maxRequests: limits.requests,
  });
  // Each axis value on its own, so a bad value fails before any run (points are checked again as the search reaches them).
  for (let a = 0; a < axes.length; a++) {
    for (let v = 0; v < axes[a]!.values.length; v++) {
      loadScenario(args.scenario, { sets: [...sets, `${axes[a]!.path}=${axes[a]!.values[v]}`], maxRequests: limits.requests, ...(durationSeconds !== undefined ? { durationSeconds } : {}) });
    }
  }
  const loaded = loadScenario(args.scenario, { sets, maxRequests: limits.requests });
  checkExpectBlock(loaded);
  // What `knsim run` would warn of in the scenario as the search starts from it.
  for (const w of loaded.warnings ?? []) process.stderr.write(`knsim: warning: ${w}\n`);
  checkMeasured(loaded.world.cluster.nodes !== undefined, axes, slos, objective, String(args.objective ?? objective), streamsResponses(loaded.world), servesWebSockets(loaded.world));
  const outDir = args.out !== undefined ? String(args.out) : join('reports', `${def.scenario}-tune`);
  const output = { label: outLabel(outDir, args.out !== undefined), protect: [args.scenario, ...inputFilesOpened()] };
  checkOutDir(outDir, output);
  if (args.report !== false) requireOptional('charts');

  const started = process.hrtime.bigint();
  checkWorkerThreads(workers);
  const runner = countFinished(createRunner(workers, { podLimit: limits.pods, maxRequests, inFlightLimit: limits.inFlight }), () => unsay.changed());
  // Until the output is in place: a signal's end says that nothing was kept.
  const unsay = sayWhenInterrupted('tune', () => nothingKept('tune', runner.finished));
  let result;
  try {
    result = await tune({
      axes,
      slos,
      objective,
      replications,
      seed: def.baseSeed,
      ...tuneRuns({
        file: args.scenario,
        def,
        runner,
        limits,
        // One bar per batch, so its total is known when it starts.
        progress: (phase, runs) => createProgress(phaseLabel(def.scenario, phase), runs),
      }),
    });
  } catch (e) {
    unsay();
    throw e;
  } finally {
    await runner.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const w = result.winner;
  const flags = tuneFlags(axes, result, objective);
  const caveats = flagLines(axes, flags, objective, w).map((f) => f.text);
  const few = fewReplicationsCaveat(slos, replications);
  const header = w === undefined ? [] : [
    `knsim tune ${def.scenario}: lowest ${METRICS[objective].label} meeting ${slos.map((s) => s.text).join(', ')} (${few === undefined ? '95 % ' : ''}upper bounds, ${replications} replications)${flags.ties.length > 0 ? `, tied with ${flags.ties.length} other point${flags.ties.length === 1 ? '' : 's'}` : ''}`,
    `${METRICS[objective].label}: ${withCI(objective, w.metrics[objective])}; ${slos.map((s) => `${METRICS[s.metric].label} ${withCI(s.metric, w.metrics[s.metric])}`).join('; ')}`,
    ...(few === undefined ? [] : [few]),
    ...caveats,
  ];
  const held = new Set(flags.noEffect.filter((f) => f.heldBySearch).map((f) => f.axis));
  const patch = w === undefined ? undefined : winnerPatch(loaded, axes, w.values, header, held).yaml;
  const written = await writeTuneDir(outDir, { def, slos, objective, result, patch }, { report: args.report !== false, output }).finally(unsay);
  for (const line of written.warnings) process.stderr.write(`knsim: chart warning: ${line}\n`);
  process.stdout.write(
    `knsim: tune ${def.scenario} — ${result.explored.length} of ${result.totalPoints} points explored, ${result.simulations} runs (${result.phaseRuns.screen} screening, ${result.phaseRuns.search} search in ${result.rounds} round${result.rounds === 1 ? '' : 's'}) on ${Math.max(1, workers)} thread${workers === 1 ? '' : 's'} in ${seconds.toFixed(1)} s\n` +
      `  wrote ${outDir}/ (${written.files.filter((f) => !f.startsWith('charts/')).join(', ')}${written.files.some((f) => f.startsWith('charts/')) ? ', charts/' : ''})\n`,
  );
  if (patch !== undefined) {
    // The caveats are the patch's header comments.
    process.stdout.write(patch);
    return;
  }
  for (const c of caveats) process.stdout.write(`  caveat: ${c}\n`);
  const closest = closestText(def.axes, slos, result.explored, replications);
  const near = closest === '' ? '' : `; ${closest}`;
  process.stderr.write(`knsim: tune: ${noWinnerText(slos, replicationsRun(result, replications))}${near}\n`);
  process.exitCode = EXIT_NO_SOLUTION;
}
