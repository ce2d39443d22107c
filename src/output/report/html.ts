import { ingressBalancing, livenessKillAt, type ProbeHandler } from '../../core/traffic/index.js';
import { ACTIVATOR_GRACE_SECONDS, HPA_CLASS } from '../../core/autoscaler/index.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RevisionSettings, RunSettings } from '../settings.js';
import type { RevisionSummary, RunSummary } from '../summary.js';
import { type TimeAxis, bucketLabel } from './aggregate.js';
import type { Chart } from './charts/index.js';
import { CHART_RUNNER, escapeHtml, pageHead } from './page.js';
import { percentOf } from '../percent.js';
import { disruptionBudgetText, nodeDrainText, nodePoolDriftText, provisioningBlockText, scaleDownBlockText } from '../text-summary.js';

export { escapeHtml };

const LIBS = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

let libCache: string[] | undefined;

/**
 * The UMD bundles of vega, vega-lite and vega-embed, ready to inline. Their package
 * exports block deep paths, so each is found next to the package's main entry.
 */
export function inlineLibraries(): string[] {
  if (libCache === undefined) {
    const req = createRequire(import.meta.url);
    libCache = LIBS.map(([pkg, file]) => {
      const code = readFileSync(join(dirname(req.resolve(pkg)), file), 'utf8');
      return escapeScript(code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    });
  }
  return libCache;
}

/** Makes text safe inside <script>…</script>. */
export function escapeScript(code: string): string {
  return code.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> block: no "<" can end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const n = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : String(v));
/**
 * Pod-hours to 4 significant digits: a short run's 0.0997 stays readable. A rounded value keeps
 * its trailing zeros (1.000388 is "1.000", not "1"), so only an exact figure reads as exact.
 */
export const hours = (v: number): string => {
  const short = v.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  return Number(short.replace(/,/g, '')) === v ? short : v.toLocaleString('en-US', { minimumSignificantDigits: 4, maximumSignificantDigits: 4 });
};
const pct = percentOf;

/**
 * Times on the run's clock in the unit of the charts' time axes (s, min or h, by run length),
 * to about a millisecond, so a number in a table can be found on an axis as it is.
 */
function clock(axis: TimeAxis): (seconds: number) => string {
  const digits = axis.unit === 's' ? 3 : axis.unit === 'min' ? 5 : 6;
  return (seconds) => n(seconds / axis.unitSeconds, digits);
}

/** The run's length in the time axes' unit, and in seconds when that is another. */
function formatDuration(axis: TimeAxis, s: number): string {
  return axis.unit === 's' ? `${n(s)} s` : `${clock(axis)(s)} ${axis.unit} (${n(s)} s)`;
}

/** Per revision, the cell for a quantity whose unit depends on the revision's metric. */
const perMetric = (r: RevisionSettings, v: number): string => {
  switch (r.metric) {
    case 'rps':
      return `${n(v)} requests/s`;
    case 'concurrency':
      return `${n(v)} concurrent requests`;
    case 'cpu':
      return `${n(v)} % of the CPU request`;
    case 'memory':
      return `${n(v)} MiB`;
    default:
      return `${n(v)} (${r.metric})`;
  }
};

/** The HPA class: a Kubernetes HPA scales the revision, and the KPA's own settings do not apply to it. */
const isHpa = (r: RevisionSettings): boolean => r.class === HPA_CLASS;

/** A KPA-only setting: its value for KPA revisions, a dash for HPA-class ones. */
const kpaOnly = (get: (r: RevisionSettings) => string) => (r: RevisionSettings): string => (isHpa(r) ? '– (not used by the HPA class)' : get(r));

type SettingRow = [label: string, get: (r: RevisionSettings) => string];

const PROBE_ROW = 'activator uses a pod once its own probe passes (yes/no)';
const STARTUP_ROW = 'startup probe of the serving container (s)';
const LIVENESS_ROW = 'liveness probe of the serving container (s)';
const CONTROLS_ROW = 'pod annotations and volumes the node autoscaler reads';

/** safe-to-evict, the local volumes that block the Cluster Autoscaler, Karpenter's do-not-disrupt. */
const controlsCell = (r: RevisionSettings): string => {
  const c = r.nodeAutoscalerControls;
  if (c === undefined) return 'none';
  const parts: string[] = [];
  if (c.safeToEvict !== undefined) parts.push(`safe-to-evict "${String(c.safeToEvict)}"`);
  if (c.blockingLocalVolumes.length > 0) parts.push(`local volumes blocking scale-down: ${c.blockingLocalVolumes.join(', ')}`);
  if (c.doNotDisruptSeconds !== undefined) parts.push(c.doNotDisruptSeconds === null ? 'do-not-disrupt "true"' : `do-not-disrupt for ${n(c.doNotDisruptSeconds)} s from the pod's start`);
  return parts.join('; ');
};

/** When the kubelet probes, and how long an app may stay silent before it is killed (the failureThreshold-th failing tick). */
const startupCell = (r: RevisionSettings): string => {
  const p = r.startupProbe;
  if (p === undefined) return 'none';
  const delay = p.initialDelaySeconds > 0 ? `, from ${n(p.initialDelaySeconds)} after the start` : '';
  const kill = `${n(p.initialDelaySeconds + (p.failureThreshold - 1) * p.periodSeconds)}–${n(p.initialDelaySeconds + p.failureThreshold * p.periodSeconds)}`;
  return `every ${n(p.periodSeconds)}${delay}; failing tick ${n(p.failureThreshold)} in a row, ${kill} after the start, kills the container`;
};

/**
 * The liveness probe: when the kubelet probes, and how soon after an app hangs it kills the
 * container (the failureThreshold-th failing probe, each known as its timeout ends); a handler a
 * hung app does not fail never kills it.
 */
const livenessCell = (r: RevisionSettings): string => {
  const s = r.livenessProbe;
  if (s === undefined) return 'none';
  const p = { ...s, handler: s.handler as ProbeHandler };
  const delay = p.initialDelaySeconds > 0 ? `, from ${n(p.initialDelaySeconds)} after the start` : '';
  const head = `${p.handler} every ${n(p.periodSeconds)}${delay}, timeout ${n(p.timeoutSeconds)}`;
  // The soonest kill: a hang as a probe starts (ticks from 0); the latest comes a period later.
  const soonest = livenessKillAt(p, 0, 0, 0);
  if (soonest === undefined) return `${head}; passes while the app hangs, so never kills a hung one`;
  return `${head}; failing probe ${n(p.failureThreshold)} in a row, ${n(soonest)}–${n(soonest + p.periodSeconds)} after a hang, kills the container`;
};

/** Every label names its unit; configured durations are in seconds, as Knative takes them. */
function settingRows(axis: TimeAxis): SettingRow[] {
  const at = clock(axis);
  return [
    ['service', (r) => r.service],
    [`created at (${axis.unit} since start)`, (r) => at(r.createdAtSeconds)],
    ['metric', (r) => r.metric],
    ['target per pod, after utilization (metric units)', (r) => perMetric(r, r.target)],
    ['total per pod, before utilization (metric units)', (r) => perMetric(r, r.total)],
    ['containerConcurrency (requests per pod)', (r) => (r.containerConcurrency === 0 ? '0 (unlimited)' : n(r.containerConcurrency))],
    ['timeoutSeconds (s)', (r) => n(r.timeoutSeconds)],
    ['responseStartTimeoutSeconds (s)', (r) => timerSeconds(r.responseStartTimeoutSeconds)],
    ['idleTimeoutSeconds (s)', (r) => timerSeconds(r.idleTimeoutSeconds)],
    [STREAM_ROW, streamCell],
    [WEBSOCKET_ROW, webSocketCell],
    [PROBE_ROW, (r) => (r.enableProbeOptimisation === false ? 'no: waits for Kubernetes Ready (exec readiness or startup probe)' : 'yes')],
    [STARTUP_ROW, startupCell],
    [LIVENESS_ROW, livenessCell],
    [CONTROLS_ROW, controlsCell],
    ['stable window (s)', kpaOnly((r) => n(r.stableWindowSeconds))],
    ['panic window (s)', kpaOnly((r) => n(r.panicWindowSeconds))],
    ['panic threshold (% of ready pods’ capacity)', kpaOnly((r) => n(r.panicThresholdPercent))],
    ['target burst capacity, TBC (concurrent requests)', kpaOnly((r) => (r.targetBurstCapacity < 0 ? `${r.targetBurstCapacity} (unlimited: activator always in path)` : r.targetBurstCapacity === 0 ? '0 (activator only at zero)' : n(r.targetBurstCapacity)))],
    ['scale-to-zero enabled (yes/no)', (r) => (isHpa(r) ? 'no (the HPA class never scales to zero)' : r.enableScaleToZero ? 'yes' : 'no')],
    ['scale-to-zero grace period (s)', kpaOnly((r) => n(r.scaleToZeroGracePeriodSeconds))],
    ['scale-to-zero pod retention (s)', kpaOnly((r) => n(r.scaleToZeroPodRetentionPeriodSeconds))],
    ['scale-down delay (s)', kpaOnly((r) => n(r.scaleDownDelaySeconds))],
    ['min scale (pods)', (r) => n(r.minScale)],
    ['max scale (pods)', (r) => (r.maxScale === 0 ? '0 (unlimited)' : n(r.maxScale))],
    ['initial scale (pods)', (r) => n(r.initialScale)],
    ['activation scale (pods)', kpaOnly((r) => n(r.activationScale))],
    ['max scale-up rate (× per evaluation)', kpaOnly((r) => n(r.maxScaleUpRate))],
    ['max scale-down rate (÷ per evaluation)', kpaOnly((r) => n(r.maxScaleDownRate))],
  ];
}

const STREAM_ROW = 'response written (app.stream)';
const WEBSOCKET_ROW = 'requests are WebSocket sessions (app.webSocket)';
/** Whether requests are WebSocket sessions, and what the app does with them at SIGTERM. */
const webSocketCell = (r: RevisionSettings): string =>
  r.webSocket === undefined
    ? 'no'
    : r.webSocket.onSigterm === 'drain'
      ? 'yes: at SIGTERM the app takes no new one and lets open sessions run, for up to 60 s more once no request waits in the queue-proxy (its drain of upgraded connections)'
      : 'yes: the app closes open sessions at SIGTERM, when its pod’s drain ends';
/** When the app writes its response: streamed (first byte, then chunks) or whole at the end. */
const streamCell = (r: RevisionSettings): string =>
  r.stream === undefined
    ? 'whole, when done'
    : `first byte ${n(r.stream.firstByteSeconds)} s into the work, then ${r.stream.intervalSeconds === null ? 'the rest when done' : `a write every ${n(r.stream.intervalSeconds)} s`}`;

/** A response-start or idle timeout: none when unset or not above 0 (no timer is started). */
const timerSeconds = (v: number | undefined): string => (v === undefined || v <= 0 ? 'none' : n(v));

/** The two optional timeouts, the probe shortcut, the probes and the node-autoscaler controls get a row only when some revision has one set. */
const OPTIONAL_ROWS: ReadonlyMap<string, (r: RevisionSettings) => unknown> = new Map<string, (r: RevisionSettings) => unknown>([
  ['responseStartTimeoutSeconds (s)', (r: RevisionSettings) => r.responseStartTimeoutSeconds],
  ['idleTimeoutSeconds (s)', (r: RevisionSettings) => r.idleTimeoutSeconds],
  [STREAM_ROW, (r: RevisionSettings) => r.stream],
  [WEBSOCKET_ROW, (r: RevisionSettings) => r.webSocket],
  [PROBE_ROW, (r: RevisionSettings) => r.enableProbeOptimisation],
  [STARTUP_ROW, (r: RevisionSettings) => r.startupProbe],
  [LIVENESS_ROW, (r: RevisionSettings) => r.livenessProbe],
  [CONTROLS_ROW, (r: RevisionSettings) => r.nodeAutoscalerControls],
]);

function settingsTable(settings: RunSettings | undefined, axis: TimeAxis): string {
  if (settings === undefined || settings.revisions.length === 0) return '<p>No settings.json in this run directory.</p>';
  const revs = settings.revisions;
  const head = `<tr><th>setting</th>${revs.map((r) => `<th>${escapeHtml(r.revision)}</th>`).join('')}</tr>`;
  const shown = ([label]: SettingRow): boolean => {
    const get = OPTIONAL_ROWS.get(label);
    return get === undefined || revs.some((r) => get(r) !== undefined);
  };
  const body = settingRows(axis).filter(shown).map(([label, get]) => `<tr><td>${escapeHtml(label)}</td>${revs.map((r) => `<td>${escapeHtml(get(r))}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table"><table class="settings">\n${head}\n${body}\n</table></div>\n<p class="note">Activators in the cluster: ${n(settings.activators)}.${escapeHtml(meshNote(settings.meshCompatibilityMode) + ingressNote(settings.ingressClass))}</p>`;
}

/** How the ingress spreads a revision's requests, when config-network names an ingress class. */
function ingressNote(cls: string | undefined): string {
  if (cls === undefined) return '';
  const how = ingressBalancing(cls) === 'least-request' ? 'least request (the fewer of two random endpoints’ requests in flight from the gateway)' : 'round robin';
  return ` The ingress (config-network ingress-class: ${cls}) spreads a revision’s requests over its ready pods, or its activators, by ${how}.`;
}

/** How the activators reach pods, when config-network's mesh-compatibility-mode is not the default. */
function meshNote(mode: RunSettings['meshCompatibilityMode']): string {
  if (mode === 'enabled') {
    return ' They reach pods through each revision’s ClusterIP (config-network mesh-compatibility-mode: enabled): each holds containerConcurrency × Ready pods ÷ activators requests out at once, and its sidecar’s least-request balancing picks the pod, which may queue the request.';
  }
  if (mode === 'disabled') return ' They address pods directly and take a pod Kubernetes marks Ready without probing it (config-network mesh-compatibility-mode: disabled).';
  return '';
}

/** A latency of 200s: none without a 200 (summary.json's 0 there is no request's latency). */
const latency = (r: RevisionSummary, ms: number): string => (r.requests.ok === 0 ? '– (no 200s)' : n(ms));
/** A first-byte percentile: none for a revision that writes its responses whole (or streamed no 200). */
const firstByte = (r: RevisionSummary, ms: number | undefined): string => (ms === undefined ? (r.requests.ok === 0 ? '– (no 200s)' : '– (not streamed)') : n(ms));

/** A summary row; `revisionOnly` rows are blank in the whole-run column. */
type SummaryRow = { label: string; get: (r: RevisionSummary) => string; revisionOnly?: boolean };

/** Every label names its unit; times on the run's clock are in the time axes' unit. */
function summaryRows(axis: TimeAxis, hpa: ReadonlySet<string> = new Set()): SummaryRow[] {
  const at = clock(axis);
  const u = axis.unit;
  return [
    { label: 'requests (count)', get: (r) => n(r.requests.total) },
    { label: '200 OK (count, % of requests)', get: (r) => `${n(r.requests.ok)} (${pct(r.requests.ok, r.requests.total)})` },
    { label: '503 (count)', get: (r) => n(r.requests.status503) },
    { label: '504 (count)', get: (r) => n(r.requests.status504) },
    { label: 'client timeouts (count)', get: (r) => n(r.requests.clientTimeouts) },
    { label: '502, the app exited, was killed or evicted, or took no connection (count)', get: (r) => n(r.requests.status502 ?? 0) },
    { label: 'no route (count)', get: (r) => n(r.requests.noRoute) },
    { label: 'latency p50 of 200s (ms)', get: (r) => latency(r, r.latencyMs.p50) },
    { label: 'latency p95 of 200s (ms)', get: (r) => latency(r, r.latencyMs.p95) },
    { label: 'latency p99 of 200s (ms)', get: (r) => latency(r, r.latencyMs.p99) },
    { label: 'latency max of 200s (ms)', get: (r) => latency(r, r.latencyMs.max) },
    // Only for runs where a revision streams: time to the first byte of its 200s (the whole run: over such revisions).
    { label: 'first byte p50, streamed responses (ms)', get: (r) => firstByte(r, r.firstByteMs?.p50) },
    { label: 'first byte p99, streamed responses (ms)', get: (r) => firstByte(r, r.firstByteMs?.p99) },
    // Only for runs with WebSocket sessions: those among the 200s that a pod's or an activator's shutdown closed.
    { label: 'WebSocket sessions closed by a pod or activator shutdown (count, % of 200s)', get: (r) => (r.sessionsClosedAtShutdown === undefined ? '–' : `${n(r.sessionsClosedAtShutdown)} (${pct(r.sessionsClosedAtShutdown, r.requests.ok)})`) },
    { label: 'cold-start requests (count)', get: (r) => n(r.coldStartRequests) },
    { label: 'pod time, Pending to Gone (pod-seconds)', get: (r) => n(r.podSeconds) },
    // Summaries written before pod-hours existed have none.
    { label: 'pod time, Pending to Gone (pod-hours)', get: (r) => (r.podHours === undefined ? '–' : hours(r.podHours)) },
    { label: 'ready pod time (pod-hours)', get: (r) => (r.readyPodHours === undefined ? '–' : hours(r.readyPodHours)) },
    { label: 'max ready pods (count)', get: (r) => n(r.maxReadyPods) },
    {
      label: `first pod ready at (${u} since start)`,
      get: (r) => (r.timeToFirstReadySeconds === null || r.timeToFirstReadySeconds === undefined ? '–' : at(r.timeToFirstReadySeconds)),
      revisionOnly: true,
    },
    {
      label: `scaled to zero at (${u} since start)`,
      get: (r) => {
        const z = r.scaleToZeroAtSeconds ?? [];
        if (z.length === 0) return '–';
        const shown = z.slice(0, 5).map(at).join(', ');
        return z.length > 5 ? `${shown} … (${n(z.length)} times)` : shown;
      },
      revisionOnly: true,
    },
    // Only for runs where some scrape through the private Service failed (mesh-compatibility-mode enabled); summary.json has the key only then.
    { label: 'KPA scrapes through the private Service that got no stat (count)', get: (r) => n(r.failedScrapes ?? 0), revisionOnly: true },
    // The HPA class has no panic mode: its 0 is no measurement, as in the settings table.
    { label: `time in panic (${u})`, get: (r) => (hpa.has(`${r.service}/${r.revision}`) ? '– (the HPA class has no panic mode)' : at(r.panicSeconds)) },
  ];
}

/**
 * The summary's revisions (summary.json sorts them by service, then name) in the settings
 * table's order, which is the scenario's, so a column means the same revision in both tables.
 */
export function inSettingsOrder<R extends { service: string; revision: string }>(revs: readonly R[], settings: RunSettings | undefined): R[] {
  if (settings === undefined) return [...revs];
  const rank = new Map(settings.revisions.map((r, i) => [`${r.service}/${r.revision}`, i]));
  const at = (r: R): number => rank.get(`${r.service}/${r.revision}`) ?? Number.POSITIVE_INFINITY;
  // A stable sort: revisions the settings do not list keep summary.json's order, after the rest.
  return [...revs].sort((a, b) => (at(a) === at(b) ? 0 : at(a) < at(b) ? -1 : 1));
}

function summaryTable(summary: RunSummary, settings: RunSettings | undefined, axis: TimeAxis): string {
  const overall: RevisionSummary = {
    ...summary.overall,
    service: '',
    revision: 'all',
    timeToFirstReadySeconds: null,
    scaleToZeroAtSeconds: [],
  };
  // Summaries written before noRouteByService listed no-route requests as a revision named ''.
  const revs = inSettingsOrder(summary.revisions.filter((r) => r.revision !== ''), settings);
  const noRoute = Object.entries(summary.noRouteByService ?? Object.fromEntries(summary.revisions.filter((r) => r.revision === '').map((r) => [r.service, r.requests.total])));
  const cols = [overall, ...revs];
  const head = `<tr><th></th>${cols.map((r) => `<th>${escapeHtml(r.revision === 'all' ? 'whole run' : r.revision)}</th>`).join('')}</tr>`;
  // The no-route and 502 rows only when the run had such requests (summary.json has status502 only then).
  const hpa = new Set((settings?.revisions ?? []).filter(isHpa).map((r) => `${r.service}/${r.revision}`));
  const rows = summaryRows(axis, hpa).filter(
    (row) =>
      (!row.label.startsWith('no route') || summary.overall.requests.noRoute > 0) &&
      (!row.label.startsWith('502') || summary.overall.requests.status502 !== undefined) &&
      (!row.label.startsWith('first byte') || summary.overall.firstByteMs !== undefined) &&
      (!row.label.startsWith('WebSocket') || summary.overall.sessionsClosedAtShutdown !== undefined) &&
      (!row.label.startsWith('KPA scrapes') || failedScrapes(summary)),
  );
  const body = rows
    .map((row) => {
      const cells = cols.map((r) => (r === overall && row.revisionOnly === true ? '' : row.get(r)));
      return `<tr><td>${escapeHtml(row.label)}</td>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  // A deleted Service's requests got 404 because its Route went, not because nothing was Ready yet.
  const deleted = new Set(Array.isArray(summary.serviceDeletions) ? summary.serviceDeletions.map((x) => x?.service) : []);
  const nr = noRoute.length > 0
    ? `<p class="note">Requests sent while a service had no routable revision (answered “no route”; ${deleted.size > 0 ? 'none of its revisions was Ready yet, or the Service had been deleted' : 'none of its revisions was Ready yet'}): ${noRoute.map(([service, count]) => `${escapeHtml(service)} ${n(count)}${deleted.has(service) ? ' (Service deleted)' : ''}`).join(', ')}.</p>`
    : '';
  const inFlight = summary.requestsInFlightAtEnd;
  const fl = inFlight !== undefined
    ? `<p class="note">Still in flight when the run ended (sent, not yet answered; in no count above): ${n(inFlight)} request${inFlight === 1 ? '' : 's'}.</p>`
    : '';
  const down = summary.autoscalerDown;
  const dn = down !== undefined
    ? `<p class="note">Knative’s autoscaler was down (restarting; no KPA decision, not even from zero): ${down.map((d) => (d.untilSeconds === null ? `from ${n(d.fromSeconds)} s to the end` : `${n(d.fromSeconds)}–${n(d.untilSeconds)} s`)).join(', ')}.</p>`
    : '';
  const crashed = summary.activatorDown;
  const ac = crashed !== undefined
    ? `<p class="note">Activators down after a crash (the requests each held got 503): ${crashed.map((d) => `${escapeHtml(d.activator)} ${d.untilSeconds === null ? `from ${n(d.fromSeconds)} s to the end` : `${n(d.fromSeconds)}–${n(d.untilSeconds)} s`}`).join(', ')}.</p>`
    : '';
  const rollouts = summary.activatorRollouts ?? [];
  const ro = rollouts
    .map((r) => {
      const complete = r.completeSeconds === null ? 'not complete when the run ended' : `complete at ${n(r.completeSeconds)} s`;
      const drained = r.drainedSeconds === null ? 'the old ones were still draining when the run ended' : `the old ones had drained by ${n(r.drainedSeconds)} s`;
      const failed = r.failedRequests > 0 ? ` (${n(r.failedRequests)} request${r.failedRequests === 1 ? '' : 's'} one still held when its ${ACTIVATOR_GRACE_SECONDS} s grace period ended got 503)` : '';
      return `<p class="note">Activators restarted (a rolling restart of their Deployment) from ${n(r.fromSeconds)} s: ${complete}; ${drained}${failed}.</p>`;
    })
    .join('');
  const de = (summary.activatorDeletions ?? [])
    .map((x) => {
      const ready = x.replacementReadySeconds === null ? `${escapeHtml(x.replacement)} was not Ready when the run ended` : `${escapeHtml(x.replacement)} replaced it at ${n(x.replacementReadySeconds)} s`;
      const drained = x.drainedSeconds === null ? 'it was still draining when the run ended' : `it had drained by ${n(x.drainedSeconds)} s`;
      const failed = x.failedRequests > 0 ? ` (${n(x.failedRequests)} request${x.failedRequests === 1 ? '' : 's'} it still held when its ${ACTIVATOR_GRACE_SECONDS} s grace period ended got 503)` : '';
      return `<p class="note">${escapeHtml(x.activator)} deleted at ${n(x.fromSeconds)} s: ${ready}; ${drained}${failed}.</p>`;
    })
    .join('');
  const dr = (summary.nodeDrains ?? []).map((x) => `<p class="note">Node ${escapeHtml(x.node)} ${escapeHtml(nodeDrainText(x, ' s'))}.</p>`).join('');
  const pdb = (summary.podDisruptionBudgets ?? []).map((b) => `<p class="note">PodDisruptionBudget ${escapeHtml(disruptionBudgetText(b))}.</p>`).join('');
  const dft = (summary.nodePoolDrifts ?? []).map((x) => `<p class="note">NodePool ${escapeHtml(nodePoolDriftText(x, ' s'))}.</p>`).join('');
  const held =
    (summary.scaleDownBlocks ?? []).map((x) => `<p class="note">Scale-down held: ${escapeHtml(scaleDownBlockText(x, ' s'))}.</p>`).join('') +
    (summary.provisioningBlocks ?? []).map((x) => `<p class="note">NodePool limits: ${escapeHtml(provisioningBlockText(x, ' s'))}.</p>`).join('');
  const fs = failedScrapes(summary) ? `<p class="note">${escapeHtml(FAILED_SCRAPES_NOTE)}</p>` : '';
  return `<div class="table"><table class="summary">\n${head}\n${body}\n</table></div>\n${nr}${fl}${dn}${ac}${ro}${de}${dr}${pdb}${dft}${held}${fs}`;
}

/** Some revision's scrape through its private Service got no stat (summary.json lists failedScrapes only then). */
const failedScrapes = (summary: RunSummary): boolean => summary.revisions.some((r) => (r.failedScrapes ?? 0) > 0);

const FAILED_SCRAPES_NOTE =
  'KPA scrapes through the private Service that got no stat: with mesh-compatibility-mode enabled the autoscaler scrapes a revision through its ClusterIP, each try reaching whichever pod the network picks, and a scrape whose tries run out before they reach its sample of distinct pods records nothing. That second then has no stat from the pods, and the revision’s Metric is Ready False (DidNotReceiveStat) until a scrape succeeds. The chart “What the KPA saw” says what such a second leaves in the KPA’s windows.';

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 18px; line-height: 1.45; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 17px; margin: 28px 0 4px; }
p.lead { font-size: 15px; color: #333; margin-top: 4px; }
p.meta, p.note { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; color: #444; }
th { background: #f5f5f5; }
.explain { color: #333; max-width: 950px; margin: 4px 0 10px; }
.chart { margin-bottom: 24px; overflow-x: auto; }
/* A column per revision, cells unwrapped: a table wider than the page scrolls in its own box. */
div.table { overflow-x: auto; }
nav ol { columns: 2; font-size: 14px; }
`;

export interface HtmlInput {
  summary: RunSummary;
  settings: RunSettings | undefined;
  axis: TimeAxis;
  charts: Chart[];
  /** Notes on charts that could not be drawn (missing files). */
  missing: string[];
}

/** How to read the units, under the summary table. */
function unitNote(axis: TimeAxis): string {
  const name = axis.unit === 's' ? 'seconds' : axis.unit === 'min' ? 'minutes' : 'hours';
  return `Times on the run’s clock are in ${name} (${axis.unit}) since the start, here and on every chart’s time axis (chosen by run length: s up to 20 min, min up to 6 h, h beyond); configured durations in the settings are in seconds. Every row, axis and legend names its unit.`;
}

/** The self-contained report page: tables, one section per chart, the libraries and specs inlined. */
export function buildHtml(input: HtmlInput): string {
  const { summary, settings, axis, charts } = input;
  const name = settings?.scenario ?? summary.scenario;
  const description = settings?.description ?? '';
  const revisions = summary.revisions.filter((r) => r.revision !== '').length;
  const agg = axis.bucketSeconds > 1
    ? ` This run is long, so the time-series charts show ${bucketLabel(axis)} buckets (each chart says how it aggregates); summary.json and the CSVs keep full resolution.`
    : '';
  const sections = charts
    .map((c, i) => `<section id="chart-${c.id}">
<h3>${i + 1}. ${escapeHtml(c.heading)}</h3>
<p class="explain">${escapeHtml(c.explanation)}</p>
<div class="chart" id="vis-${c.id}" data-chart="${c.id}"></div>
</section>`)
    .join('\n');
  const nav = charts.map((c) => `<li><a href="#chart-${c.id}">${escapeHtml(c.heading)}</a></li>`).join('');
  const specs = charts.map((c) => `<script type="application/json" id="spec-${c.id}">${scriptJson(c.spec)}</script>`).join('\n');
  const libs = inlineLibraries().map((code) => `<script>${code}</script>`).join('\n');
  const missing = input.missing.length > 0 ? `<p class="note">${input.missing.map(escapeHtml).join(' ')}</p>` : '';
  return `${pageHead(`knsim report: ${name}`, STYLE)}
<body>
<h1>knsim report: ${escapeHtml(name)}</h1>
${description !== '' ? `<p class="lead">${escapeHtml(description)}</p>` : ''}
<p class="meta">Seed ${n(summary.seed)} · ${formatDuration(axis, summary.simulatedSeconds)} simulated · ${n(summary.events)} events · ${revisions} revision${revisions === 1 ? '' : 's'}.${agg}</p>
<h2>Effective settings</h2>
<p class="note">What each revision ran with, after config-autoscaler, annotations and containerConcurrency were resolved.</p>
${settingsTable(settings, axis)}
<h2>Summary</h2>
${summaryTable(summary, settings, axis)}
<p class="note">${unitNote(axis)}</p>
<h2>Charts</h2>
<nav><ol>${nav}</ol></nav>
${missing}
${sections}
${libs}
${specs}
<script>${CHART_RUNNER}</script>
</body>
</html>
`;
}
