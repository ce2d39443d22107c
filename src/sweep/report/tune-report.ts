/** The tuner's report: the explored points as charts and a table, the winner and its patch. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '../../output/metrics.js';
import type { TuneOutput } from '../tune.js';
import { escapeHtml } from '../../output/report/html.js';
import { tuneCharts } from './charts.js';
import { chartsPage, definitionTable, pointsTable, withCI, writeCharts, type WrittenReport } from './report.js';

export async function writeTuneReport(dir: string, o: TuneOutput, images = true): Promise<WrittenReport> {
  const { def, result, slos, objective } = o;
  const first = slos[0];
  const charts = tuneCharts({
    axes: def.axes,
    points: result.explored,
    objective,
    slo: first === undefined ? undefined : { metric: first.metric, threshold: first.threshold, text: first.text },
    totalPoints: result.totalPoints,
  });
  const written = await writeCharts(dir, charts, images);
  const w = result.winner;
  const verdict =
    w === undefined
      ? '<p class="lead"><strong>No explored configuration meets every SLO with 95 % confidence.</strong></p>'
      : `<p class="lead">Winner: point ${w.point}, ${def.axes.map((a, i) => `<code>${escapeHtml(a.path)}=${escapeHtml(w.values[i]!)}</code>`).join(', ')} — ${escapeHtml(METRICS[objective].label)} ${escapeHtml(withCI(objective, w.metrics[objective]))}.</p>
<pre>${escapeHtml(o.patch ?? '')}</pre>`;
  const body = `<p class="lead">Objective: the lowest mean ${escapeHtml(METRICS[objective].label)}. SLOs, each met by the upper end of its 95 % confidence interval over ${def.replications} replications: ${slos.map((s) => `<code>${escapeHtml(s.text)}</code>`).join(', ')}.
The tuner simulated ${result.explored.length} of ${result.totalPoints} points (${result.simulations} runs, ${result.rounds} rounds).</p>
${verdict}
<h2>Definition</h2>
${definitionTable(def)}
<h2>Explored points</h2>
${pointsTable(def, result.explored, { title: 'verdict', cell: (p) => (p as (typeof result.explored)[number]).status })}`;
  writeFileSync(join(dir, 'report.html'), chartsPage(`knsim tune: ${def.scenario}`, body, charts));
  return { files: [...written.files, 'report.html'], warnings: written.warnings };
}
