/**
 * A tune's output directory: tune.json (definition, SLOs, objective, winner), tune.csv
 * (every explored point with its verdict), runs.csv (every run), winner.yaml (the patch),
 * and, unless turned off, charts/ and report.html.
 */
import { writeFileSync } from 'node:fs';
import { writeStaged, type StageOptions } from '../output/staged-dir.js';
import { join } from 'node:path';
import { writeTuneReport } from './report/tune-report.js';
import { pointValues } from './axes.js';
import { csvLine, formatRunsCsv, metricCells, metricColumns } from './files.js';
import { seedFor, type RunResult } from './sweep.js';
import type { TuneOutput } from './tune.js';

export function formatTuneCsv(o: TuneOutput): string {
  let out = csvLine(['point', ...o.def.axes.map((a) => a.path), 'replications', 'status', ...metricColumns()]);
  for (const p of o.result.explored) out += csvLine([String(p.point), ...p.values, String(p.replications), p.status, ...metricCells(p)]);
  return out;
}

function allRuns(o: TuneOutput): RunResult[] {
  const runs: RunResult[] = [];
  for (const [p, list] of o.result.runs) {
    const values = pointValues(o.def.axes, p);
    list.forEach((metrics, r) => runs.push({ point: p, replication: r, seed: seedFor(o.def, p, r), values, metrics }));
  }
  return runs;
}

export function tuneJson(o: TuneOutput): Record<string, unknown> {
  const w = o.result.winner;
  return {
    kind: 'knsim-tune',
    version: 1,
    definition: o.def,
    slos: o.slos,
    objective: o.objective,
    points: o.result.totalPoints,
    explored: o.result.explored.length,
    simulations: o.result.simulations,
    rounds: o.result.rounds,
    winner: w === undefined ? null : { point: w.point, values: Object.fromEntries(o.def.axes.map((a, i) => [a.path, w.values[i]])), metrics: w.metrics },
  };
}

/** Writes the directory through a temporary sibling renamed at the end. */
export async function writeTuneDir(outDir: string, o: TuneOutput, opts: { report?: boolean; output?: StageOptions } = {}): Promise<{ outDir: string; files: string[]; warnings: string[] }> {
  return writeStaged(outDir, { command: 'tune', ...opts.output }, async (tmp) => {
    const files = ['tune.json', 'tune.csv', 'runs.csv'];
    writeFileSync(join(tmp, 'tune.json'), JSON.stringify(tuneJson(o), null, 2) + '\n');
    writeFileSync(join(tmp, 'tune.csv'), formatTuneCsv(o));
    writeFileSync(join(tmp, 'runs.csv'), formatRunsCsv(o.def, allRuns(o)));
    if (o.patch !== undefined) {
      writeFileSync(join(tmp, 'winner.yaml'), o.patch);
      files.push('winner.yaml');
    }
    let warnings: string[] = [];
    if (opts.report ?? true) {
      const rep = await writeTuneReport(tmp, o);
      files.push(...rep.files);
      warnings = rep.warnings;
    }
    return { files, warnings };
  });
}
