/**
 * The controller's decision log as CSV: one row per revision per decide tick, knsim's
 * decision next to what Knative's autoscaler decided (the PodAutoscaler's
 * status.desiredScale) and what was done about it.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DecisionRecord } from '../core/autoscaler/index.js';

export const DECISION_CSV_HEADER = [
  'time',
  'namespace',
  'revision',
  'ready_pods',
  'observed_stable',
  'observed_panic',
  'knsim_desired',
  'knsim_want',
  'knsim_in_panic',
  'knsim_excess_burst_capacity',
  'valid',
  'hold',
  'knative_desired',
  'knative_actual',
  'replicas',
  'action',
] as const;

/** Core's decision record with the revision's namespace, the cluster's side and the action taken. */
export interface ShadowRow extends DecisionRecord {
  namespace: string;
  /** PodAutoscaler status.desiredScale (undefined if unset or no PA). */
  knativeDesired: number | undefined;
  knativeActual: number | undefined;
  /** Deployment replicas as last read (undefined if not read). */
  replicas: number | undefined;
  /** e.g. `none`, `scale 3->5`, `would-scale 3->5`, `hold` */
  action: string;
}

const fmt = (v: number | undefined, digits = 3): string =>
  v === undefined || Number.isNaN(v) ? '' : Number.isInteger(v) ? String(v) : String(Math.round(v * 10 ** digits) / 10 ** digits);

/** One row, quoted by csv-stringify as knsim's other CSVs are (the adapter imports no knsim output code). */
export function decisionCsvLine(r: ShadowRow): string {
  const fields = [
    new Date(r.time * 1000).toISOString(),
    r.namespace,
    r.revision,
    fmt(r.readyPods),
    fmt(r.observedStable),
    fmt(r.observedPanic),
    fmt(r.desired),
    fmt(r.want),
    String(r.inPanic),
    fmt(r.excessBurstCapacity),
    String(r.valid),
    r.hold ?? '',
    fmt(r.knativeDesired),
    fmt(r.knativeActual),
    fmt(r.replicas),
    r.action,
  ];
  return stringify([fields]).replace(/\n$/, '');
}

/** Appends rows to a CSV file (created with its header). */
export class DecisionCsv {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    writeSync(this.fd, DECISION_CSV_HEADER.join(',') + '\n');
  }

  write(r: ShadowRow): void {
    if (this.fd === undefined) throw new Error(`${this.path}: already closed`);
    writeSync(this.fd, decisionCsvLine(r) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
