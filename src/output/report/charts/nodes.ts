import { bucketLabel, xAt } from '../aggregate.js';
import { type Chart, type ChartContext, type Spec, COLORS, dataLayer, panel, headroomScale, keyedLegend, nodeMaintenanceIntervals, stack, topLevel, xEncoding } from './common.js';
import { levelRows, nodeSteps, unschedulableSteps } from './cluster-levels.js';

const NODE_LABELS = {
  b: 'billed (provisioning, Ready or draining)',
  r: 'Ready, not tainted (pods can bind)',
};
/**
 * With Karpenter launch failures (LaunchFailed rows): a NodeClaim whose create call failed is
 * provisioning but has no instance to bill until its Launched row, so the billed line is only the
 * launched nodes, and the retried ones get a line of their own.
 */
const LAUNCH_LABELS = {
  b: 'billed (launched: starting, Ready or draining)',
  r: NODE_LABELS.r,
  u: 'provisioning, not billed (create call failed, retried)',
};
const COLOR_UNLAUNCHED = '#7f7f7f';
const PENDING_LABEL = 'Pending, Unschedulable (waiting for a node)';
const MAINTENANCE_LABEL = 'node maintenance';
const LAUNCH_NOTE = 'A NodeClaim is billed from its launch: the provision request, or its Launched row (nodes.csv) if its first create call failed; one deleted before launching never is.';
const SHADED = 'Shaded: node maintenance, from a drain or a NodePool drift until its nodes are deleted.';
const COLOR_BILLED = '#e45756';

/**
 * summary.json's peak and its longest wait, said as what they measure: the wait runs from the pod's
 * creation (not from its first Unschedulable attempt, where the band starts) until it is bound, or
 * deleted or the run ends unbound, so it can be longer than any stretch of the band.
 */
export function waitLines(nodes: { max: number; podsWaitedForNode: number; maxPendingSeconds: number }): string[] {
  const peak = `Peak ${nodes.max} ${nodes.max === 1 ? 'node' : 'nodes'} billed at once.`;
  if (nodes.podsWaitedForNode === 0) return [`${peak} No pod was Unschedulable: none waited for room on a node.`];
  const k = nodes.podsWaitedForNode;
  const seconds = nodes.maxPendingSeconds.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return [
    `${peak} ${k} ${k === 1 ? 'pod was' : 'pods were'} Unschedulable at least once (the band below).`,
    `The longest wait of ${k === 1 ? 'that pod' : 'those pods'}: ${seconds} s unbound, from its creation to its binding to a node (or to its deletion or the run's end, if never bound).`,
  ];
}

/** Nodes billed and Ready (nodes.csv), and the pods waiting for a node (pods.csv), on one time axis. */
export function nodesChart(ctx: ChartContext): Chart | undefined {
  const { axis, run } = ctx;
  if (run.nodes === undefined) return undefined;
  const n = nodeSteps(run.nodes);
  const failedLaunches = n.unlaunched.time.length > 0;
  const labels: Record<string, string> = failedLaunches ? LAUNCH_LABELS : NODE_LABELS;
  const nodeRows = levelRows(axis, [['b', n.billed], ['r', n.ready], ...(failedLaunches ? [['u', n.unlaunched] as const] : [])], 'max', 0);
  const pendingRows = levelRows(axis, [['p', unschedulableSteps(run)]], 'max', 0);
  const exact = axis.bucketSeconds <= 1;
  const nodes = run.summary.nodes;
  const keys = Object.keys(labels);
  const x = xEncoding(axis);
  const maintenance = nodeMaintenanceIntervals(ctx);
  // The panels share one fill scale: with a maintenance band, both its colours are spelled out, and
  // the band is explained in the subtitle rather than in the pods' legend.
  const fillScale: Spec = maintenance.length === 0 ? { range: [COLORS.starting] } : { domain: [PENDING_LABEL, MAINTENANCE_LABEL], range: [COLORS.starting, COLORS.nodeMaintenance] };
  const pendingLegend: Spec = { title: 'pods (count)', symbolType: 'square', ...(maintenance.length === 0 ? {} : { values: [PENDING_LABEL], symbolOpacity: 0.85 }) };
  const bands: Spec[] =
    maintenance.length === 0
      ? []
      : [
          {
            data: { values: maintenance.map((iv) => ({ s: xAt(axis, iv.start), e: xAt(axis, iv.end) })) },
            mark: { type: 'rect', opacity: 0.15 },
            encoding: {
              x: { ...xEncoding(axis, 's') },
              x2: { field: 'e' },
              // The same legend as the pods' (one fill scale, one legend), which lists only them.
              fill: { datum: MAINTENANCE_LABEL, type: 'nominal', scale: fillScale, legend: pendingLegend },
            },
          },
        ];
  const nodesPanel = panel('Nodes', 170, [
    ...bands,
    dataLayer('data_nodes_0', nodeRows, {
      transform: [{ fold: keys, as: ['k', 'v'] }],
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x,
        y: { field: 'v', type: 'quantitative', title: 'nodes (count)', scale: headroomScale(nodeRows.map((r) => Math.max(r['b']!, r['u'] ?? 0))), axis: { tickMinStep: 1, format: 'd' } },
        stroke: { field: 'k', type: 'nominal', scale: { domain: keys, range: [COLOR_BILLED, COLORS.ready, COLOR_UNLAUNCHED].slice(0, keys.length) }, legend: keyedLegend('nodes (count)', labels, { symbolType: 'stroke' }) },
        strokeDash: { field: 'k', type: 'nominal', scale: { domain: keys, range: [[1, 0], [5, 3], [2, 2]].slice(0, keys.length) }, legend: keyedLegend('nodes (count)', labels, { symbolType: 'stroke' }) },
      },
    }),
  ]);
  const pendingPanel = panel('Pods waiting for a node', 120, [
    dataLayer('data_nodes_1', pendingRows, {
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
      encoding: {
        x,
        y: { field: 'p', type: 'quantitative', title: 'pods (count)', scale: headroomScale(pendingRows.map((r) => r['p']!)), axis: { tickMinStep: 1, format: 'd' } },
        fill: { datum: PENDING_LABEL, type: 'nominal', scale: fillScale, legend: pendingLegend },
      },
    }),
  ]);
  const how = exact
    ? 'Counts step at the exact times in nodes.csv and pods.csv.'
    : `Each ${bucketLabel(axis)} step shows the most nodes and waiting pods held in it (nodes.csv, pods.csv).`;
  const launches = failedLaunches ? [LAUNCH_NOTE] : [];
  const peak = nodes === undefined ? [] : waitLines(nodes);
  return {
    id: 'nodes',
    heading: 'Nodes and pending pods',
    explanation:
      (failedLaunches
        ? 'Nodes billed (from their launch to deletion), NodeClaims whose create call failed and is being retried (provisioning, not billed) and nodes Ready, and below,'
        : 'Nodes billed (from the provision request to deletion) and Ready, and below,') +
      ` the pods that found no node with room (Pending, Unschedulable): a gap between the ${failedLaunches ? 'billed and Ready lines' : 'two node lines'} is start-up (before Ready), draining (after) or a node under memory pressure (tainted NoSchedule), and waiting pods that coincide with a rising billed line are waiting for a node autoscaler’s new node. ` +
      launches.map((l) => `${l} `).join('') +
      (maintenance.length > 0 ? `${SHADED} ` : '') +
      peak.join(' '),
    spec: topLevel('Nodes and pending pods', [how, ...launches, ...peak, ...(maintenance.length === 0 ? [] : [SHADED])], stack([nodesPanel, pendingPanel])),
  };
}
