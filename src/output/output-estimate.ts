/**
 * How many bytes a run's files will take, estimated before it runs, so a run whose files
 * cannot fit is refused before it spends hours simulating (see cli/output-space.ts).
 *
 * Each file's rows are counted from the run's shape (revisions × simulated seconds for the
 * time series, expected requests for requests.csv) and sized from their cells: names as
 * they are, times as `%.6f`, and a measured allowance for the numeric cells. Counts lean
 * high (every revision for the whole run, every client at its full rate), so the total comes
 * out a few percent above what a run writes; test/output/output-estimate.test.ts holds it to
 * real runs.
 * pods.csv and nodes.csv are left out: their rows follow pod and node changes, which only the
 * run knows, and they are small beside the rest.
 */

/** A revision whose rows the run writes. */
export interface EstimateRevision {
  service: string;
  revision: string;
}

/** A client and the requests it is expected to send (requests.csv has a row per request). */
export interface EstimateClient {
  name: string;
  service: string;
  requests: number;
}

export interface OutputEstimateInput {
  durationSeconds: number;
  revisions: readonly EstimateRevision[];
  clients: readonly EstimateClient[];
  /** requests.csv: none, every request, or a fraction of them. */
  trace: { mode: 'none' } | { mode: 'full' } | { mode: 'sample'; rate: number };
  /** The time series (timeseries.csv, autoscaler.csv, requests-per-second.csv, latency-buckets.csv). */
  series: boolean;
  /** timeseries.csv has the CPU and memory columns. */
  resourceColumns: boolean;
  /** latency-buckets.csv's bucket (s); 1 or less: the file is not written. */
  latencyBucketSeconds: number;
  /** Revisions whose app streams (app.stream): any adds the first-byte columns, each a first_byte CDF. */
  streamingRevisions?: number;
}

export interface OutputFileEstimate {
  file: string;
  bytes: number;
}

/**
 * Bytes of each row beyond its time and name cells (commas and the newline included),
 * measured on the shipped scenarios' outputs: about their typical row, below the widest.
 */
const TIMESERIES_REST = 33;
const RESOURCE_COLUMNS_REST = 26;
const AUTOSCALER_REST = 62;
const REQUESTS_PER_SECOND_REST = 44;
const LATENCY_BUCKETS_REST = 34;
/** requests.csv: latency, status, route, cold and the two queue times, commas and newline. */
const REQUESTS_REST = 40;
/** A pod's name is its revision's plus `-deployment-NNNN`. */
const POD_SUFFIX = 16;
/** latency-cdf.csv: up to 200 points per kind (all, warm, and cold after cold starts): two kinds. */
const CDF_ROWS_PER_REVISION = 400;
const CDF_REST = 28;
/** With a streaming revision: requests.csv's first_byte_ms cell (comma included), up to `99999.999`. */
const FIRST_BYTE_REQUEST_CELL = 10;
/** The three first-byte percentile cells of requests-per-second.csv and latency-buckets.csv rows. */
const FIRST_BYTE_PERCENTILES = 30;
/** A streaming revision's first_byte CDF points, `first_byte` being longer than the other kinds. */
const CDF_FIRST_BYTE_ROWS = 200;
const CDF_FIRST_BYTE_KIND = 7;

// TextEncoder, not Buffer: the playground runs this estimate in the browser.
const encoder = new TextEncoder();
const utf8 = (s: string): number => encoder.encode(s).length;

/** A time cell as `%.6f` with its comma: the digits of the largest time, the point and six decimals. */
function timeCell(durationSeconds: number): number {
  return String(Math.floor(Math.max(0, durationSeconds))).length + 8;
}

/**
 * Of `slotsPerRevision` time slots of each revision, how many see an answer. A service's
 * requests spread evenly over its revisions' slots, m requests leave a slot empty with
 * probability e^(−m/slots), as Poisson arrivals would: about one row per request at low
 * rates, every slot at high ones.
 */
function occupiedSlots(revisionsOf: ReadonlyMap<string, number>, requestsByService: ReadonlyMap<string, number>, slotsPerRevision: number): number {
  let filled = 0;
  for (const [svc, k] of revisionsOf) {
    const slots = k * slotsPerRevision;
    const m = requestsByService.get(svc) ?? 0;
    if (slots > 0) filled += slots * -Math.expm1(-m / slots);
  }
  return filled;
}

/** Estimated bytes of each file the run writes (files it does not write are left out). */
export function estimateOutputBytes(input: OutputEstimateInput): OutputFileEstimate[] {
  const T = input.durationSeconds;
  const time = timeCell(T);
  const revs = input.revisions;
  const n = revs.length;
  const names = revs.reduce((a, r) => a + utf8(r.service) + utf8(r.revision) + 2, 0);
  const meanNames = n > 0 ? names / n : 0;
  const streaming = input.streamingRevisions ?? 0;
  // Every row gets the first-byte cells once some revision streams (empty for the others).
  const firstByteCells = streaming > 0 ? FIRST_BYTE_PERCENTILES : 0;
  const out: OutputFileEstimate[] = [];
  const add = (file: string, bytes: number): void => {
    if (bytes > 0) out.push({ file, bytes: Math.ceil(bytes) });
  };
  const requestsByService = new Map<string, number>();
  for (const c of input.clients) requestsByService.set(c.service, (requestsByService.get(c.service) ?? 0) + c.requests);
  const revisionsOf = new Map<string, number>();
  for (const r of revs) revisionsOf.set(r.service, (revisionsOf.get(r.service) ?? 0) + 1);

  if (input.series && n > 0) {
    // One row per revision and whole second, t = 0 included.
    const seconds = Math.floor(T) + 1;
    const ts = time + meanNames + TIMESERIES_REST + (input.resourceColumns ? RESOURCE_COLUMNS_REST : 0);
    add('timeseries.csv', n * seconds * ts);
    // A decision per revision every 2 s (the KPA's tick).
    const ticks = Math.ceil(T / 2);
    const as = time + meanNames + AUTOSCALER_REST;
    add('autoscaler.csv', n * ticks * as);
    // A row per revision and second in which requests finished.
    const rows = occupiedSlots(revisionsOf, requestsByService, Math.ceil(T));
    add('requests-per-second.csv', rows * (time + meanNames + REQUESTS_PER_SECOND_REST + firstByteCells));
    const bucket = input.latencyBucketSeconds;
    if (bucket > 1) {
      // Whole-second start and bucket cells; a bucket without answers has no row.
      const buckets = Math.ceil(T / bucket);
      const filled = occupiedSlots(revisionsOf, requestsByService, buckets);
      add('latency-buckets.csv', filled * (String(Math.floor(T)).length + String(bucket).length + 2 + meanNames + LATENCY_BUCKETS_REST + firstByteCells));
    }
  }
  if (n > 0) add('latency-cdf.csv', n * CDF_ROWS_PER_REVISION * (meanNames + CDF_REST) + streaming * CDF_FIRST_BYTE_ROWS * (meanNames + CDF_REST + CDF_FIRST_BYTE_KIND));

  if (input.trace.mode !== 'none') {
    const fraction = input.trace.mode === 'sample' ? input.trace.rate : 1;
    const total = input.clients.reduce((a, c) => a + c.requests, 0) * fraction;
    const id = String(Math.max(1, Math.ceil(total))).length + 1;
    const revsOf = new Map<string, { names: number; count: number }>();
    for (const r of revs) {
      const e = revsOf.get(r.service) ?? { names: 0, count: 0 };
      // The revision twice: its own cell and its pod's name.
      e.names += 2 * utf8(r.revision);
      e.count++;
      revsOf.set(r.service, e);
    }
    let bytes = 0;
    for (const c of input.clients) {
      const e = revsOf.get(c.service);
      const revNames = e === undefined || e.count === 0 ? 0 : e.names / e.count + POD_SUFFIX;
      const row = id + utf8(c.service) + 1 + utf8(c.name) + 1 + revNames + 2 + 3 * time + REQUESTS_REST + (streaming > 0 ? FIRST_BYTE_REQUEST_CELL : 0);
      bytes += c.requests * fraction * row;
    }
    add('requests.csv', bytes);
  }
  return out;
}

/** Bytes for a message: "930 KB", "14.2 GB" (powers of 1000, as `df -H`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v >= 100 ? Math.round(v) : v.toPrecision(3)} ${units[u]}`;
}
