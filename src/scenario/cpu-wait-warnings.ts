/**
 * A CPU-model app (`app.cpu`) spends its `wait` before any CPU work, and the revision's timeout
 * (queue-proxy and activator) runs from before the pod has the request. A wait whose least value
 * is longer than that timeout therefore ends every request in a 504: the run completes none of
 * them. Knative takes such a revision, so knsim runs it too, with a warning that says so.
 */
import type { WorkModelSpec } from '../model/spec.js';
import { formatPath, shownNumber, type PathSegment } from './errors.js';
import { leastValue } from './least-value.js';
import type { FaultInput } from './schema.js';

export interface CpuWaitInput {
  revision: string;
  timeoutSeconds: number;
  work: WorkModelSpec | undefined;
  faults: readonly FaultInput[] | undefined;
  /** Where the app that set `cpu` is written. */
  app: { file: string; path: readonly PathSegment[] } | undefined;
}

export function cpuWaitWarning(w: CpuWaitInput): string | undefined {
  if (w.work?.kind !== 'cpu' || w.app === undefined) return undefined;
  // A slowdown stretches the wait by its factor, which may be below 1.
  const shrink = Math.min(1, ...(w.faults ?? []).flatMap((f) => (f.kind === 'slowdown' ? [f.factor] : [])));
  const least = leastValue(w.work.waitSeconds) * shrink;
  if (!(least > w.timeoutSeconds)) return undefined;
  const at = formatPath([...w.app.path, 'cpu', 'wait']);
  return `${w.app.file}: ${at}: at least ${shownNumber(least)} s, longer than revision ${w.revision}'s timeoutSeconds (${shownNumber(w.timeoutSeconds)} s): every request times out (504) before its CPU work starts, so the run completes none`;
}
