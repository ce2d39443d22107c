import { ACTIVATOR_GRACE_SECONDS } from '../../../core/autoscaler/index.js';
import { bucketMax, val, xOf } from '../aggregate.js';
import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, COLORS, activatorDownIntervals, activatorRolloutIntervals, autoscalerDownIntervals, WIDTH, aggregationNote, headroomScale, heldToEnd, keyedLegend, periodLayers, revisionTitle, stack, topLevel, xEncoding, busiest, withLines } from './common.js';
import { proxyIntervals, shownPeriods } from './pods.js';

const LABELS = { a: 'buffered in activators', q: 'queued in queue-proxies' };

function panel(ctx: ChartContext, r: RevisionData, i: number, proxy: boolean): Spec {
  const { axis } = ctx;
  const ts = r.timeseries;
  const a = bucketMax(axis, ts.time, ts.activatorWaiting);
  const q = bucketMax(axis, ts.time, ts.podQueued);
  const values: Spec[] = [];
  for (let b = 0; b < axis.buckets; b++) {
    if (Number.isNaN(a[b]!) && Number.isNaN(q[b]!)) continue;
    values.push({ t: xOf(axis, b), a: val(a[b]!, 0), q: val(q[b]!, 0) });
  }
  const keys = Object.keys(LABELS);
  const legend = keyedLegend('waiting (requests)', LABELS, { symbolType: 'stroke' });
  return {
    title: revisionTitle(ctx, r),
    width: WIDTH,
    height: 160,
    layer: [
      ...periodLayers(axis, undefined, proxy ? proxyIntervals(ctx, r) : undefined, autoscalerDownIntervals(ctx, r), activatorDownIntervals(ctx), activatorRolloutIntervals(ctx)),
      {
        data: { values: axis.bucketSeconds <= 1 ? values : heldToEnd(axis, values) },
        transform: [{ fold: keys, as: ['k', 'v'] }],
        name: `data_waiting_${i}`,
        // A 1 s grid shows each whole-second sample at its own instant, joined by lines (a step
        // from each sample would claim it held for the next second and draw changes late);
        // coarser buckets keep a step per bucket.
        mark: { type: 'line', interpolate: axis.bucketSeconds <= 1 ? 'linear' : 'step-after' },
        encoding: {
          x: xEncoding(axis),
          y: { field: 'v', type: 'quantitative', title: 'waiting (requests)', scale: headroomScale([...a, ...q]), axis: { tickMinStep: 1, format: 'd' } },
          stroke: { field: 'k', type: 'nominal', scale: { domain: keys, range: [COLORS.activator, COLORS.queueProxy] }, legend },
        },
      },
    ],
  };
}

export function waitingChart(ctx: ChartContext): Chart | undefined {
  const revs = ctx.run.revisions.filter((r) => r.timeseries.time.length > 0);
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (r) => [r], 'revisions');
  // No panel shows Proxy mode: no legend entry, and the sentence says so rather than pointing at a strip.
  const { proxy } = shownPeriods(ctx, shown);
  return {
    id: 'waiting',
    heading: 'Where requests wait',
    explanation:
      `Requests held by the activators (while the SKS is in Proxy mode, ${proxy ? 'marked by the purple strip, e.g. during a cold start' : 'as during a cold start, which no revision shown ever was'}) and requests queued in a pod’s queue-proxy because all of that pod’s containerConcurrency slots were busy, while other pods may have had free ones.` +
      // The sidecars' least-request counts only their own requests: a busy pod can get one while others are idle.
      (ctx.run.settings?.meshCompatibilityMode === 'enabled'
        ? ' With mesh-compatibility-mode enabled the activators send through the revision’s ClusterIP and their sidecars pick the pod, so in Proxy mode too a request can wait at a busy pod while others have free slots.'
        : '') +
      (ctx.run.summary.autoscalerDown === undefined ? '' : ' Grey shading marks when Knative’s autoscaler was down (restarting): what queued then waited for it to come back.') +
      (ctx.run.summary.activatorDown === undefined ? '' : ' Brown shading marks when an activator was down after a crash: what it held failed with 503 as it went, and the others (or, with none left, the ready pods) took the requests.') +
      (ctx.run.summary.activatorRollouts === undefined && ctx.run.summary.activatorDeletions === undefined
        ? ''
        : ` Olive shading marks activators being replaced (a rolling restart, or a deleted activator and its replacement), from the start until the last old activator exited: new requests go to the new ones once Ready, and each old one answers what it holds, up to its ${ACTIVATOR_GRACE_SECONDS} s grace period. A new activator counts only what it sent itself, so it may put a request on a pod still busy with an old one’s, where it waits in the queue-proxy until that one ends (or is cut off with its activator).`),
    spec: topLevel(
      'Where requests wait',
      withLines(`Requests waiting, sampled at each whole second: buffered by the activators, or queued in a queue-proxy behind containerConcurrency.${aggregationNote(ctx.axis, 'the maximum in each bucket')}`, note),
      stack(shown.map((r, i) => panel(ctx, r, i, proxy))),
    ),
  };
}
