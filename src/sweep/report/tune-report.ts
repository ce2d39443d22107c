/**
 * The tuner's report, top to bottom: what was asked, the winner with its caveats (ties,
 * settings without effect, winners on the edge of a range, cluster-wide settings) and its
 * patch, then the charts, then the tables.
 */
import { join } from 'node:path';
import { writeOutputFile } from '../../output/write-file.js';
import { METRICS } from '../../output/metrics.js';
import type { PointResult } from '../sweep.js';
import { closestPoint, fewReplicationsCaveat, type ExploredPoint, type Slo, type TuneOutput } from '../tune.js';
import { flagLines, scopeLabel, tuneFlags, type TuneFlags } from '../tune-flags.js';
import { axisLabel, type Axis } from '../axes.js';
import { escapeHtml } from '../../output/report/html.js';
import { coveragePercent, rangeCoverage } from '../stats.js';
import { isRange, tuneCharts } from './charts.js';
import { chartsPage, definitionTable, formatMetric, pointsTable, runsWithout200, withCI, writeCharts, type WrittenReport } from './report.js';

const FLAG_STYLE = `<style>
ul.flags { list-style: none; padding: 0; max-width: 950px; }
ul.flags li { border-left: 4px solid #d62728; background: #fff4f2; padding: 6px 10px; margin: 6px 0; }
ul.flags li b { text-transform: uppercase; font-size: 12px; letter-spacing: 0.04em; margin-right: 6px; }
ul.flags li.flag-none { border-left-color: #2ca02c; background: #f2fbf2; }
.scope-cluster { color: #b3261e; font-weight: bold; }
</style>`;

/** The caveats as a list; every one is there even when there is no winner (scope does not depend on it). */
function flagsHtml(o: TuneOutput, flags: TuneFlags): string {
  const lines = flagLines(o.def.axes, flags, o.objective, o.result.winner);
  if (lines.length === 0) {
    // Without a winner there is no tie or edge to speak of.
    const none = o.result.winner === undefined ? 'every setting changed some metric, and nothing is cluster-wide.' : 'no tie with the winner, every setting changed some metric, the winner is inside every range, and nothing is cluster-wide.';
    return `<ul class="flags"><li class="flag-none"><b>no caveats</b>${none}</li></ul>`;
  }
  return `<ul class="flags">\n${lines.map((l) => `<li class="flag-${l.kind}"><b>${escapeHtml(l.kind)}</b>${escapeHtml(l.text.replace(/^[a-z-]+: /, ''))}</li>`).join('\n')}\n</ul>`;
}

/**
 * Where no point meets every SLO, the one nearest to it: its settings and the upper bounds of its
 * SLO metrics, with how many replications it had and, when fewer than 5, that those bounds are
 * the largest replication rather than 95 % ones. The CLI prints the same words.
 */
export function closestText(axes: readonly Axis[], slos: readonly Slo[], explored: readonly PointResult[], replications: number): string {
  const closest = closestPoint(explored, slos);
  if (closest === undefined) return '';
  const over = closest.replications >= replications ? '' : `, ${closest.replications} of ${replications} replications`;
  // The closest point may have had only the first rung's replications: its bounds are then their range.
  const few = fewReplicationsCaveat(slos, closest.replications);
  const bounds = few === undefined ? '95 % upper bounds' : 'upper bounds';
  return `closest: ${axes.map((a, i) => `${a.path}=${closest.values[i]}`).join(' ')} with ${slos.map((s) => `${METRICS[s.metric].label} ≤ ${formatMetric(s.metric, closest.metrics[s.metric].hi)}`).join(', ')} (${bounds}${over}${few === undefined ? '' : `; ${few}`})`;
}

/**
 * The replications the SLOs' bounds rest on: those asked for, but without a winner every point
 * may have stopped short of them (dropped once an interval's lower end failed an SLO), and then
 * the most any point got.
 */
export function replicationsRun(result: Pick<TuneOutput['result'], 'winner' | 'explored'>, asked: number): number {
  const most = Math.max(0, ...result.explored.map((p) => p.replications));
  return result.winner === undefined && most > 0 ? Math.min(most, asked) : asked;
}

/**
 * The verdict when no point meets every SLO, with the confidence its bounds had: 95 %, or with
 * 2–4 replications of a latency, pods or pod-seconds SLO about that of the largest replication
 * (75 % for 2). The CLI prints the same words.
 */
export function noWinnerText(slos: readonly Slo[], replications: number): string {
  const range = fewReplicationsCaveat(slos, replications) === undefined ? undefined : rangeCoverage(replications);
  const confidence = range === undefined ? '95 % confidence' : `about ${coveragePercent(range.upper)} confidence (${replications} replications; less for a skewed metric)`;
  return `no explored configuration meets every SLO with ${confidence}`;
}

function winnerHtml(o: TuneOutput, flags: TuneFlags): string {
  const { def, result, objective } = o;
  const w = result.winner;
  if (w === undefined) {
    const near = closestText(def.axes, o.slos, result.explored, def.replications);
    const verdict = noWinnerText(o.slos, replicationsRun(result, def.replications));
    return `<p class="lead"><strong>${escapeHtml(verdict[0]!.toUpperCase() + verdict.slice(1))}.</strong>${near === '' ? '' : ` ${escapeHtml(near[0]!.toUpperCase() + near.slice(1))}.`}</p>`;
  }
  const held = new Set(flags.noEffect.filter((f) => f.heldBySearch).map((f) => f.axis));
  const rows = def.axes
    .map((a, i) => {
      const s = flags.scope[i]!;
      const scope = `<span class="${s.scope === 'cluster-wide' ? 'scope-cluster' : ''}">${escapeHtml(scopeLabel(s))}</span>`;
      return `<tr><td class="l"><code>${escapeHtml(axisLabel(a))}</code></td><td class="l">${escapeHtml(w.values[i]!)}${held.has(i) ? ' (no effect: not in the patch)' : ''}</td><td class="l">${scope}</td></tr>`;
    })
    .join('\n');
  const tie = flags.ties.length > 0 ? ` — tied with ${flags.ties.length} other point${flags.ties.length === 1 ? '' : 's'}, picked by the rule: ${escapeHtml(flags.tieRule)}` : '';
  return `<p class="lead">Winner: point ${w.point}, ${escapeHtml(METRICS[objective].label)} ${escapeHtml(withCI(objective, w.metrics[objective]))} (mean [${isRange(objective, w.replications) ? `range of the ${w.replications} replications` : '95 % interval'}])${tie}.</p>
<div class="table"><table>
<tr><th>setting</th><th>value</th><th>where it applies</th></tr>
${rows}
</table></div>
<pre>${escapeHtml(o.patch ?? '')}</pre>`;
}

export async function writeTuneReport(dir: string, o: TuneOutput, flags: TuneFlags = tuneFlags(o.def.axes, o.result, o.objective), images = true): Promise<WrittenReport> {
  const { def, result, slos, objective } = o;
  const first = slos[0];
  const charts = tuneCharts({
    axes: def.axes,
    points: result.explored,
    objective,
    slo: first === undefined ? undefined : { metric: first.metric, threshold: first.threshold, text: first.text },
    totalPoints: result.totalPoints,
    ties: flags.ties.map((t) => t.point),
  });
  const written = await writeCharts(dir, charts, images);
  const tied = new Set(flags.ties.map((t) => t.point));
  const screen = result.phaseRuns.screen > 0 ? `${result.phaseRuns.screen} runs screening each setting for an effect, then ` : '';
  // Without a winner: speak of the replications the points got (replicationsRun).
  const ran = replicationsRun(result, def.replications);
  const short = ran < def.replications ? ` (${def.replications} were asked for, but no point got more than ${ran}: a point is dropped once the lower end of an SLO metric's interval fails the SLO)` : '';
  const few = fewReplicationsCaveat(slos, ran);
  const top = `${FLAG_STYLE}
<p class="lead">Objective: the lowest mean ${escapeHtml(METRICS[objective].label)}. SLOs, each met by the upper end of its ${few === undefined ? '95 % ' : ''}confidence interval over ${ran} replications${escapeHtml(short)}: ${slos.map((s) => `<code>${escapeHtml(s.text)}</code>`).join(', ')}${few === undefined ? '' : ` (${escapeHtml(few)})`}.
The tuner simulated ${result.explored.length} of ${result.totalPoints} points: ${screen}${result.phaseRuns.search} runs of search in ${result.rounds} round${result.rounds === 1 ? '' : 's'} (${result.simulations} runs in all).</p>
${winnerHtml(o, flags)}
<h2>Caveats</h2>
${flagsHtml(o, flags)}`;
  const verdict = (p: PointResult): string => {
    const status = (p as ExploredPoint).status;
    if (tied.has(p.point)) return `${status}, tie with the winner`;
    return status === 'winner' && tied.size > 0 ? 'winner (of a tie)' : status;
  };
  const without200 = runsWithout200([...result.runs].flatMap(([p, list]) => list.map((m) => [p, m] as const)));
  const tables = `<h2>Explored points</h2>
<p class="note">Mean [${result.explored.some((p) => p.replications >= 2 && isRange('p50_ms', p.replications)) ? `interval] over each point's runs: 95 %, but for latencies, pods and pod-seconds of a point with fewer than 5 runs their range (tune.csv's interval column says which)` : "95 % interval] over each point's runs"}; latencies in ms, rates in %, cost in pod-seconds.</p>
${pointsTable(def, result.explored, { title: 'verdict', cell: verdict }, without200).replace('sweep.csv has them all', 'tune.csv has them all')}
<h2>Definition</h2>
${definitionTable(def)}`;
  writeOutputFile(join(dir, 'report.html'), chartsBeforeTables(chartsPage(`knsim tune: ${def.scenario}`, top, charts), tables));
  return { files: [...written.files, 'report.html'], warnings: written.warnings };
}

/** chartsPage puts the body before the charts; the tables go after the last chart section (or at the end of the body). */
function chartsBeforeTables(page: string, tables: string): string {
  const end = page.lastIndexOf('</section>');
  const at = end >= 0 ? end + '</section>'.length : page.lastIndexOf('</body>');
  return `${page.slice(0, at)}\n${tables}${page.slice(at)}`;
}
