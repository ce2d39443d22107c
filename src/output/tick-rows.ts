import type { CsvWriter } from './csv-writer.js';
import type { AutoscalerRecord, TimeseriesRecord } from './records.js';

/**
 * The per-tick rows of autoscaler.csv and timeseries.csv after time_s, one hand-written
 * writer per file: a loop over keys reads fields of two record shapes and is megamorphic,
 * this is not. Names are written as they are, flags as 1/0, counts as String() writes them
 * and measures as num() rounds them (blank when not finite); test/output/tick-rows.test.ts
 * checks every column against the files' headers.
 *
 * A row keeps the fields that vary and where its cells are in the writer's buffer. It belongs
 * to one revision of one service, so its leading name cells are encoded once and then copied
 * (names are not compared). Most rows of a quiet revision repeat its previous one (same pods,
 * same queues): a row whose fields are all the same (a NaN never is) is copied instead of
 * formatted again. Its first repeat copies the cells out of the buffer (while they are there,
 * until the next flush), and further repeats copy that copy with one set(). A row that
 * changes is not copied out, so a busy revision pays for no copy.
 */
abstract class LastRow {
  /** The leading name cells; undefined until the first row. */
  protected prefix: Uint8Array | undefined;
  /** Where the last row's cells are in the writer's buffer, while its generation is `generation`. */
  private from = 0;
  private to = 0;
  private generation = -1;
  /** The last row's cells once it has repeated. */
  private kept: Uint8Array | undefined;

  /** Writes the last row's cells again (true) if they are kept or still in the buffer, else nothing. */
  protected repeat(w: CsvWriter): boolean {
    let kept = this.kept;
    if (kept === undefined) {
      if (w.generation !== this.generation) return false;
      kept = this.kept = w.copyOf(this.from, this.to);
    }
    w.bytes(kept);
    return true;
  }

  /** Notes where the row written since `from` is. */
  protected written(w: CsvWriter, from: number): void {
    this.from = from;
    this.to = w.mark();
    this.generation = w.generation;
    this.kept = undefined;
  }
}

/** A revision's last row of autoscaler.csv: service, revision, metric, target, ready_pods, observed_stable, observed_panic, desired, want, in_panic, excess_burst_capacity, sks_mode, activators, valid, poke. */
export class DecisionRow extends LastRow {
  private metric = '';
  private target = 0;
  private readyPods = 0;
  private observedStable = 0;
  private observedPanic = 0;
  private desired = 0;
  private want = 0;
  private inPanic = false;
  private excessBurstCapacity = 0;
  private sksMode = '';
  private activators = 0;
  private valid = false;
  private poke = false;

  /** Writes `d`'s cells, each after a comma (room reserved by the caller). */
  write(w: CsvWriter, d: AutoscalerRecord): void {
    const from = w.mark();
    // A patch or a config-autoscaler change may change the metric or the target (a NaN target never repeats).
    if (this.prefix === undefined || d.target !== this.target || d.metric !== this.metric) {
      writeDecisionNames(w, d);
      this.prefix = w.copyOf(from, w.mark());
      this.metric = d.metric;
      this.target = d.target;
    } else if (
      d.observedStable === this.observedStable &&
      d.observedPanic === this.observedPanic &&
      d.readyPods === this.readyPods &&
      d.desired === this.desired &&
      d.want === this.want &&
      d.excessBurstCapacity === this.excessBurstCapacity &&
      d.inPanic === this.inPanic &&
      d.activators === this.activators &&
      d.valid === this.valid &&
      d.poke === this.poke &&
      d.sksMode === this.sksMode &&
      this.repeat(w)
    ) {
      return;
    } else w.bytes(this.prefix);
    writeDecisionValues(w, d);
    this.keepFields(d);
    this.written(w, from);
  }

  private keepFields(d: AutoscalerRecord): void {
    this.readyPods = d.readyPods;
    this.observedStable = d.observedStable;
    this.observedPanic = d.observedPanic;
    this.desired = d.desired;
    this.want = d.want;
    this.inPanic = d.inPanic;
    this.excessBurstCapacity = d.excessBurstCapacity;
    this.sksMode = d.sksMode;
    this.activators = d.activators;
    this.valid = d.valid;
    this.poke = d.poke;
  }
}

/** autoscaler.csv's service, revision, metric and target cells, each after a comma. */
function writeDecisionNames(w: CsvWriter, d: AutoscalerRecord): void {
  w.comma();
  w.text(d.service);
  w.comma();
  w.text(d.revision);
  w.comma();
  w.text(d.metric);
  w.comma();
  w.measure(d.target);
}

/** autoscaler.csv's cells after the target, each after a comma. */
function writeDecisionValues(w: CsvWriter, d: AutoscalerRecord): void {
  w.comma();
  w.number(d.readyPods);
  w.comma();
  w.measure(d.observedStable);
  w.comma();
  w.measure(d.observedPanic);
  w.comma();
  w.number(d.desired);
  w.comma();
  w.number(d.want);
  w.comma();
  w.flag(d.inPanic);
  w.comma();
  w.number(d.excessBurstCapacity);
  w.comma();
  w.text(d.sksMode);
  w.comma();
  w.number(d.activators);
  w.comma();
  w.flag(d.valid);
  w.comma();
  w.flag(d.poke);
}

/** A revision's last row of timeseries.csv: service, revision, pending, starting, ready, terminating, activator_healthy, replicas, activator_waiting, pod_queued, pod_executing, sks_mode, traffic_percent. */
export class TimeseriesRow extends LastRow {
  private pending = 0;
  private starting = 0;
  private ready = 0;
  private terminating = 0;
  private activatorHealthy = 0;
  private replicas = 0;
  private activatorWaiting = 0;
  private podQueued = 0;
  private podExecuting = 0;
  private sksMode = '';
  private trafficPercent = 0;

  /** Writes `r`'s cells (not its resource columns), each after a comma (room reserved by the caller). */
  write(w: CsvWriter, r: TimeseriesRecord): void {
    const from = w.mark();
    if (this.prefix === undefined) {
      writeNames(w, r);
      this.prefix = w.copyOf(from, w.mark());
    } else if (
      r.podExecuting === this.podExecuting &&
      r.podQueued === this.podQueued &&
      r.ready === this.ready &&
      r.activatorWaiting === this.activatorWaiting &&
      r.replicas === this.replicas &&
      r.activatorHealthy === this.activatorHealthy &&
      r.pending === this.pending &&
      r.starting === this.starting &&
      r.terminating === this.terminating &&
      r.trafficPercent === this.trafficPercent &&
      r.sksMode === this.sksMode &&
      this.repeat(w)
    ) {
      return;
    } else w.bytes(this.prefix);
    writeTimeseriesValues(w, r);
    this.keepFields(r);
    this.written(w, from);
  }

  private keepFields(r: TimeseriesRecord): void {
    this.pending = r.pending;
    this.starting = r.starting;
    this.ready = r.ready;
    this.terminating = r.terminating;
    this.activatorHealthy = r.activatorHealthy;
    this.replicas = r.replicas;
    this.activatorWaiting = r.activatorWaiting;
    this.podQueued = r.podQueued;
    this.podExecuting = r.podExecuting;
    this.sksMode = r.sksMode;
    this.trafficPercent = r.trafficPercent;
  }
}

/** The service and revision cells, each after a comma. */
function writeNames(w: CsvWriter, r: { service: string; revision: string }): void {
  w.comma();
  w.text(r.service);
  w.comma();
  w.text(r.revision);
}

/** timeseries.csv's cells after time_s and before the resource columns, each after a comma. */
export function writeTimeseriesCells(w: CsvWriter, r: TimeseriesRecord): void {
  writeNames(w, r);
  writeTimeseriesValues(w, r);
}

/** timeseries.csv's cells after the revision and before the resource columns, each after a comma. */
function writeTimeseriesValues(w: CsvWriter, r: TimeseriesRecord): void {
  w.comma();
  w.number(r.pending);
  w.comma();
  w.number(r.starting);
  w.comma();
  w.number(r.ready);
  w.comma();
  w.number(r.terminating);
  w.comma();
  w.number(r.activatorHealthy);
  w.comma();
  w.number(r.replicas);
  w.comma();
  w.number(r.activatorWaiting);
  w.comma();
  w.number(r.podQueued);
  w.comma();
  w.number(r.podExecuting);
  w.comma();
  w.text(r.sksMode);
  w.comma();
  w.measure(r.trafficPercent);
}
