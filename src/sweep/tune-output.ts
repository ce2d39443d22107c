/**
 * A tune's output directory: tune.json (definition, SLOs, objective, winner, flags),
 * tune.csv (every explored point with its verdict and tie flag), flags.csv (one line per
 * caveat), runs.csv (every run), winner.yaml (the patch), and, unless turned off, charts/
 * and report.html.
 */
import { writeStaged, type StageOptions } from '../output/staged-dir.js';
import { join } from 'node:path';
import { writeOutputFile } from '../output/write-file.js';
import { writeTuneReport } from './report/tune-report.js';
import { pointValues } from './axes.js';
import { csvLine, formatRunsCsv, intervalCell, metricCells, metricColumns } from './files.js';
import { seedFor, type RunResult } from './sweep.js';
import type { TuneOutput } from './tune.js';
import { flagLines, tuneFlags, type TuneFlags } from './tune-flags.js';

/** tune.csv's `tie` column: `tie` for a point the objective cannot tell from the winner, `winner (of a tie)` for the winner then. */
function tieCell(flags: TuneFlags, point: number, status: string): string {
  if (flags.ties.some((t) => t.point === point)) return 'tie';
  return status === 'winner' && flags.ties.length > 0 ? 'winner (of a tie)' : '';
}

export function formatTuneCsv(o: TuneOutput, flags: TuneFlags = tuneFlags(o.def.axes, o.result, o.objective)): string {
  let out = csvLine(['point', ...o.def.axes.map((a) => a.path), 'replications', 'interval', 'status', 'tie', ...metricColumns()]);
  for (const p of o.result.explored) out += csvLine([String(p.point), ...p.values, String(p.replications), intervalCell(p.replications), p.status, tieCell(flags, p.point, p.status), ...metricCells(p)]);
  return out;
}

/** flags.csv: one line per caveat (kind, the setting's path, the sentence shown in the report). */
export function formatFlagsCsv(o: TuneOutput, flags: TuneFlags = tuneFlags(o.def.axes, o.result, o.objective)): string {
  let out = csvLine(['kind', 'setting', 'detail']);
  for (const f of flagLines(o.def.axes, flags, o.objective, o.result.winner)) out += csvLine([f.kind, f.setting, f.text]);
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

export function tuneJson(o: TuneOutput, flags: TuneFlags = tuneFlags(o.def.axes, o.result, o.objective)): Record<string, unknown> {
  const w = o.result.winner;
  const axes = o.def.axes;
  const byPath = (values: readonly string[]): Record<string, string> => Object.fromEntries(axes.map((a, i) => [a.path, values[i]!]));
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
    phases: o.result.phaseRuns,
    screening: o.result.screening.map((s) => ({ setting: axes[s.axis]!.path, groups: s.groups, changed: s.changed, heldBySearch: s.fixed })),
    winner: w === undefined ? null : { point: w.point, values: byPath(w.values), metrics: w.metrics },
    flags: {
      tieRule: flags.tieRule,
      ties: flags.ties.map((t) => ({ point: t.point, values: byPath(t.values), objective: t.objective, difference: t.difference, sameInEverySeed: t.sameInEverySeed })),
      noEffect: flags.noEffect.map((f) => ({ setting: axes[f.axis]!.path, groups: f.groups, heldBySearch: f.heldBySearch })),
      edge: flags.edge.map((e) => ({ setting: axes[e.axis]!.path, value: e.value, end: e.end })),
      scope: flags.scope.map((s) => ({ setting: axes[s.axis]!.path, scope: s.scope, target: s.target, ...(s.perRevision !== undefined ? { perRevision: s.perRevision } : {}) })),
      messages: flagLines(axes, flags, o.objective, w).map((f) => f.text),
    },
  };
}

/** Writes the directory through a temporary sibling renamed at the end. */
export async function writeTuneDir(outDir: string, o: TuneOutput, opts: { report?: boolean; output?: StageOptions } = {}): Promise<{ outDir: string; files: string[]; warnings: string[] }> {
  return writeStaged(outDir, { command: 'tune', ...opts.output }, async (tmp) => {
    const files = ['tune.json', 'tune.csv', 'flags.csv', 'runs.csv'];
    const flags = tuneFlags(o.def.axes, o.result, o.objective);
    writeOutputFile(join(tmp, 'tune.json'), JSON.stringify(tuneJson(o, flags), null, 2) + '\n');
    writeOutputFile(join(tmp, 'tune.csv'), formatTuneCsv(o, flags));
    writeOutputFile(join(tmp, 'flags.csv'), formatFlagsCsv(o, flags));
    writeOutputFile(join(tmp, 'runs.csv'), formatRunsCsv(o.def, allRuns(o)));
    if (o.patch !== undefined) {
      writeOutputFile(join(tmp, 'winner.yaml'), o.patch);
      files.push('winner.yaml');
    }
    let warnings: string[] = [];
    if (opts.report ?? true) {
      const rep = await writeTuneReport(tmp, o, flags);
      files.push(...rep.files);
      warnings = rep.warnings;
    }
    return { files, warnings };
  });
}
