/**
 * A revision's pods as the running activator processes see them: a pod counts while at least one
 * process has found it healthy (its throttler may send to it). timeseries.csv's activator_healthy
 * is their number and pods.csv's ActivatorHealthy row marks a pod's first find while none had it.
 *
 * The processes up at the revision's creation share one view of the pods (Revision's watcher), held
 * while one of them runs; each process started later holds its own (activator-view.ts). Each view
 * counts once per pod it holds, so a pod is counted while any view holds it.
 */
import type { Pod } from './pod.js';

export class ActivatorFinds {
  /** Pods held by at least one view. */
  size = 0;

  constructor(private readonly firstFound: (pod: Pod, now: number) => void) {}

  /** A view that runs found `pod` (it did not hold it). */
  add(pod: Pod, now: number): void {
    if (pod.activatorFinds++ > 0) return;
    this.size++;
    this.firstFound(pod, now);
  }

  /** A pod running before the run began, held from the start (no find to record). */
  held(pod: Pod): void {
    if (pod.activatorFinds++ === 0) this.size++;
  }

  /** A view that held `pod` no longer does (it left, or the view's processes are gone). */
  remove(pod: Pod): void {
    if (pod.activatorFinds === 0) throw new Error(`activator finds: ${pod.name} was held by no view`);
    if (--pod.activatorFinds === 0) this.size--;
  }
}
