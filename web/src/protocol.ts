/** Messages between the page and the simulation worker. */
import type { Explanation } from './inspector.js';

export type Speed = 1 | 10 | 100 | 'max';

export interface ChartOut {
  id: string;
  heading: string;
  explanation: string;
  spec: unknown;
}

export interface ProblemOut {
  message: string;
  /** Where in the scenario text, when the error names a place in it. */
  span?: { from: number; to: number; line: number } | undefined;
}

export type ToWorker =
  | { type: 'load'; text: string; seed: number | undefined; durationSeconds: number | undefined }
  | { type: 'validate'; id: number; text: string; seed: number | undefined; durationSeconds: number | undefined }
  | { type: 'play'; speed: Speed }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'charts' }
  /** `direction`: the revision's tick after (1) or before (−1) `time`, not the nearest one. */
  | { type: 'inspect'; time: number; revision: string | undefined; direction?: 1 | -1 }
  | { type: 'file'; name: string }
  /** Files the scenario may name (a trace the user picked), by path relative to the scenario; [] just asks for the list. */
  | { type: 'addFiles'; files: Array<{ path: string; bytes: Uint8Array }> };

export interface Progress {
  now: number;
  durationSeconds: number;
  running: boolean;
  done: boolean;
  /** The run stopped at a limit before its end (the problem says which); Run starts it again. */
  failed: boolean;
  decisions: number;
  /** Ticks (not pokes) so far. */
  ticks: number;
  summary: unknown;
  /** The files the finished run wrote, as `knsim run` names them (report.html aside); [] before the end. */
  files: string[];
}

export type FromWorker =
  | { type: 'loaded'; name: string; description: string; seed: number; durationSeconds: number; revisions: string[]; warnings: string[] }
  /** A run's error (a limit passed) or a chart's: the run it is about stays loaded. */
  | { type: 'problem'; problem: ProblemOut }
  /** A load refused: no run is loaded; files and inspections are still the previous run's, if any. */
  | { type: 'refused'; problem: ProblemOut }
  | { type: 'validation'; id: number; problem: ProblemOut | undefined }
  | ({ type: 'progress' } & Progress)
  /** `notes`: with the finished run's charts, what the report says of the files the run lacks (`series: false`). */
  | { type: 'charts'; charts: ChartOut[]; final: boolean; now: number; notes?: string[] }
  | { type: 'inspection'; explanation: Explanation | undefined }
  | { type: 'file'; name: string; text: string | undefined }
  | { type: 'files'; paths: string[] };
