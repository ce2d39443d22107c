/**
 * `knsim compare <scenario> --class kpa --class hpa --class ./my-scaler.ts`: the scenario's
 * traffic under each autoscaler class, R replications each with common random numbers;
 * a verdict table on stdout and compare.json / compare.csv / runs.csv / report.html.
 * Every class is loaded (module compiled, scenario resolved) before the first run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/errors.js';
import { checkWork } from '../scenario/work-estimate.js';
import { checkOutDir } from '../output/output-dir.js';
import { compareTask, parseClassArgs, runCompare, verdictTable, type CompareDefinition } from '../sweep/compare.js';
import { writeCompareDir } from '../sweep/compare-files.js';
import { createRunner } from '../sweep/pool.js';
import { createProgress } from '../sweep/progress.js';
import { checkExpectBlock } from './expect-block.js';
import { outLabel } from './run.js';
import { checkWorkerThreads } from './worker-memory.js';
import { parseBatchFlags, type BatchFlagArgs } from './sweep.js';
import { stringList } from './flags.js';
import { countFinished, nothingKept, sayWhenInterrupted } from './interrupted.js';

export interface CompareArgs extends BatchFlagArgs {
  scenario: string;
  class?: unknown;
  set?: unknown;
  out?: unknown;
}

/** Runs the comparison; returns the verdict table it printed. */
export async function compareCommand(args: CompareArgs): Promise<string> {
  const classes = parseClassArgs(stringList(args.class));
  const { replications, workers, seed, durationSeconds, limits, maxRequests } = parseBatchFlags(args, 1);
  const sets = stringList(args.set);
  const first = loadScenario(args.scenario, { sets, maxRequests: limits.requests, ...(seed !== undefined ? { seed } : {}), ...(durationSeconds !== undefined ? { durationSeconds } : {}) });
  checkExpectBlock(first);
  const def: CompareDefinition = {
    scenario: first.name,
    scenarioSha256: createHash('sha256').update(readFileSync(args.scenario)).digest('hex'),
    sets,
    durationSeconds: durationSeconds ?? null,
    baseSeed: first.world.seed,
    replications,
    classes,
  };
  // Every class resolves and fits the work limits before anything runs.
  for (let c = 0; c < classes.length; c++) {
    const t = compareTask(args.scenario, def, c, 0);
    let loaded;
    try {
      loaded = loadScenario(t.file, { sets: t.sets, seed: t.seed, maxRequests: limits.requests, ...(t.durationSeconds !== undefined ? { durationSeconds: t.durationSeconds } : {}), ...(t.classOverride !== undefined ? { classOverride: t.classOverride } : {}), ...(t.classes !== undefined ? { classes: t.classes } : {}) });
    } catch (e) {
      // The scenario loaded as written: what broke is a revision under the class --class gave it.
      // (An error of a --class module names that module, and needs no more.)
      if (!(e instanceof ScenarioError) || e.file !== t.file) throw e;
      throw new ScenarioError(e.file, e.path, `${e.rule} (under --class ${classes[c]!.label}, which sets every revision's class)`, e.within);
    }
    checkWork(loaded, limits);
    // What `knsim run` would warn of under this class (an HPA class with no CPU model cannot scale on load, say).
    for (const w of loaded.warnings ?? []) process.stderr.write(`knsim: warning: under --class ${classes[c]!.label}: ${w}\n`);
  }
  const outDir = args.out !== undefined ? String(args.out) : join('reports', `${def.scenario}-compare`);
  const output = { label: outLabel(outDir, args.out !== undefined), protect: [args.scenario, ...classes.flatMap((c) => (c.module ? [c.module.module] : []))] };
  checkOutDir(outDir, output);
  const runs = classes.length * replications;
  const threads = Math.max(1, Math.min(workers, runs));
  checkWorkerThreads(threads);
  const runner = countFinished(createRunner(threads, { podLimit: limits.pods, maxRequests, inFlightLimit: limits.inFlight }), () => unsay.changed());
  // Until the output is in place: a signal's end says that nothing was kept.
  const unsay = sayWhenInterrupted('compare', () => nothingKept('compare', runner.finished, runs));
  const progress = createProgress(`compare ${def.scenario}`, runs);
  let results;
  try {
    results = await runCompare({ file: args.scenario, def, runner, progress });
  } catch (e) {
    unsay();
    throw e;
  } finally {
    progress.stop();
    await runner.close();
  }
  const written = await writeCompareDir(outDir, def, results, output).finally(unsay);
  const table = verdictTable(def, results);
  process.stdout.write(
    `knsim: compare ${def.scenario} — ${classes.length} classes × ${replications} replication${replications === 1 ? '' : 's'} (common random numbers)\n\n${table}\n\n  wrote ${outDir}/ (${written.files.join(', ')})\n`,
  );
  return table;
}
