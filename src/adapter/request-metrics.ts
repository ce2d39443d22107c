/**
 * The queue-proxy's request metrics (latency by response code), scraped from its
 * Prometheus endpoint for rollout analysis. The autoscaler's protobuf Stat has no
 * latency or status, so this reads the user-facing metrics instead (port 9091 when
 * config-observability sets `request-metrics-protocol: prometheus`):
 *
 * - Knative ≥ 1.18 (OpenTelemetry): histogram `kn_serving_invocation_duration_seconds`
 *   labelled `http_response_status_code`, in seconds;
 * - older releases (OpenCensus): histogram `revision_app_request_latencies` labelled
 *   `response_code`, in milliseconds.
 *
 * Counters are cumulative per pod; a window's numbers are differences between two scrapes.
 */

/** The queue-proxy's user metrics port (networking.UserQueueMetricsPort). */
export const USER_METRICS_PORT = 9091;

/** One pod's cumulative request histogram, all status codes merged. */
export interface RequestHistogram {
  /** Upper bounds in seconds (ascending, +Inf last) → cumulative count. */
  buckets: Map<number, number>;
  count: number;
  /** Requests answered with a 5xx status. */
  errors: number;
  /** Sum of latencies, seconds. */
  sumSeconds: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`bad label set {${s}}`);
    const name = s.slice(i, eq).trim();
    i = eq + 1;
    if (s[i] !== '"') throw new Error(`bad label value for ${name}`);
    i++;
    let v = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') {
        const c = s[i + 1];
        v += c === 'n' ? '\n' : (c ?? '');
        i += 2;
      } else v += s[i++];
    }
    if (s[i] !== '"') throw new Error(`unterminated label value for ${name}`);
    i++;
    out[name] = v;
  }
  return out;
}

function parseValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (s === 'NaN') return Number.NaN;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new Error(`bad sample value ${JSON.stringify(s)}`);
  return v;
}

/** Parses the Prometheus text exposition format (samples only). @throws on malformed lines. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    const brace = line.indexOf('{');
    const space = line.search(/\s/);
    if (brace >= 0 && (space < 0 || brace < space)) {
      const close = line.lastIndexOf('}');
      if (close < brace) throw new Error(`unterminated labels: ${line}`);
      name = line.slice(0, brace);
      labels = parseLabels(line.slice(brace + 1, close));
      rest = line.slice(close + 1).trim();
    } else {
      if (space < 0) throw new Error(`sample without value: ${line}`);
      name = line.slice(0, space);
      rest = line.slice(space).trim();
    }
    const value = parseValue(rest.split(/\s+/)[0] ?? '');
    out.push({ name, labels, value });
  }
  return out;
}

const FAMILIES = [
  { base: 'kn_serving_invocation_duration_seconds', code: 'http_response_status_code', scale: 1 },
  { base: 'revision_app_request_latencies', code: 'response_code', scale: 0.001 },
] as const;

/**
 * The request histogram of one pod's metrics page, or undefined if the page has neither
 * known histogram.
 */
export function requestHistogram(text: string): RequestHistogram | undefined {
  const samples = parsePrometheusText(text);
  for (const fam of FAMILIES) {
    const mine = samples.filter((s) => s.name.startsWith(fam.base + '_'));
    if (mine.length === 0) continue;
    const h: RequestHistogram = { buckets: new Map(), count: 0, errors: 0, sumSeconds: 0 };
    for (const s of mine) {
      const suffix = s.name.slice(fam.base.length + 1);
      if (suffix === 'bucket') {
        const le = parseValue(s.labels['le'] ?? '');
        const bound = le === Number.POSITIVE_INFINITY ? le : le * fam.scale;
        h.buckets.set(bound, (h.buckets.get(bound) ?? 0) + s.value);
      } else if (suffix === 'count') {
        h.count += s.value;
        const code = Number(s.labels[fam.code] ?? '');
        if (code >= 500 && code <= 599) h.errors += s.value;
      } else if (suffix === 'sum') h.sumSeconds += s.value * fam.scale;
    }
    h.buckets = new Map([...h.buckets.entries()].sort((a, b) => a[0] - b[0]));
    return h;
  }
  return undefined;
}

/** after − before; a pod whose counters went down restarted, so `after` counts from zero. */
export function histogramDelta(before: RequestHistogram | undefined, after: RequestHistogram): RequestHistogram {
  if (!before || after.count < before.count) return after;
  const buckets = new Map<number, number>();
  for (const [le, c] of after.buckets) buckets.set(le, Math.max(0, c - (before.buckets.get(le) ?? 0)));
  return { buckets, count: after.count - before.count, errors: Math.max(0, after.errors - before.errors), sumSeconds: after.sumSeconds - before.sumSeconds };
}

export function histogramSum(hs: readonly RequestHistogram[]): RequestHistogram {
  const out: RequestHistogram = { buckets: new Map(), count: 0, errors: 0, sumSeconds: 0 };
  for (const h of hs) {
    out.count += h.count;
    out.errors += h.errors;
    out.sumSeconds += h.sumSeconds;
    for (const [le, c] of h.buckets) out.buckets.set(le, (out.buckets.get(le) ?? 0) + c);
  }
  out.buckets = new Map([...out.buckets.entries()].sort((a, b) => a[0] - b[0]));
  return out;
}

/**
 * The q-quantile latency in seconds, interpolated linearly inside its bucket as
 * Prometheus's histogram_quantile does (the +Inf bucket answers with the largest finite
 * bound). NaN without requests.
 */
export function histogramQuantile(h: RequestHistogram, q: number): number {
  const entries = [...h.buckets.entries()];
  const total = entries.at(-1)?.[1] ?? 0;
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of entries) {
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return prevBound;
      if (count === prevCount) return bound;
      return prevBound + (bound - prevBound) * ((rank - prevCount) / (count - prevCount));
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

/** Fetches one pod's metrics page as text. @throws on transport errors and non-2xx answers. */
export async function fetchMetricsText(url: string, timeoutSeconds: number): Promise<string> {
  const res = await fetch(url, { headers: { Accept: 'text/plain' }, signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutSeconds * 1000))) });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) throw new Error(`GET ${url} returned HTTP ${res.status}`);
  return text;
}
