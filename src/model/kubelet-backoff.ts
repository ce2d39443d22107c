/**
 * One kubelet back-off entry (a pod's container, or a pod's image), as the kubelet keeps it in
 * client-go's flowcontrol.Backoff: 10 s, doubling on each step, at most 5 min. An entry whose
 * last step is more than twice the maximum (10 min) before the failure counts as gone, so the
 * curve starts again.
 *
 * The two users differ in when they step it. A crashed container is restarted at once when it
 * has no live entry (its first crash, or its first after running over 10 min since the last
 * restart), and the restart is the step (kuberuntime doBackOff); so crashes wait 0, 10, 20, 40 …
 * 300 s. A container the kubelet kills itself (a failed liveness or startup probe) is started again
 * in the same pod sync, whose back-off check reads the pod's status from before the kill: its newest
 * exited container is then the previous one, so the kill waits only while that earlier exit is
 * within its back-off, and the first kill of a container that never exited takes no step. A failed image pull steps it at the failure and the next pull waits the new value
 * (images.EnsureImageExists): 10, 20, 40 … 300 s.
 */
export const BACKOFF_INITIAL_SECONDS = 10;
export const BACKOFF_MAX_SECONDS = 300;
/** An entry last stepped more than this long before a failure is expired (twice the maximum). */
export const BACKOFF_RESET_SECONDS = 2 * BACKOFF_MAX_SECONDS;

export class KubeletBackoff {
  /** The entry's current back-off (0: no entry). */
  private backoff = 0;
  /** When it was last stepped. */
  private lastUpdate = Number.NaN;
  /** The exit the coming restart steps the entry from (NaN: it takes no step). */
  private stepFrom = Number.NaN;

  private live(eventTime: number): boolean {
    return this.backoff > 0 && !(eventTime - this.lastUpdate > BACKOFF_RESET_SECONDS);
  }

  /** flowcontrol's Next at `now` for an event at `eventTime`: start again if expired, else double. */
  private step(now: number, eventTime: number): void {
    this.backoff = this.live(eventTime) ? Math.min(this.backoff * 2, BACKOFF_MAX_SECONDS) : BACKOFF_INITIAL_SECONDS;
    this.lastUpdate = now;
  }

  /** The container exited at `finishedAt`: how long the kubelet waits before starting it again. */
  restartDelay(finishedAt: number): number {
    this.stepFrom = finishedAt;
    return this.live(finishedAt) ? this.backoff : 0;
  }

  /**
   * The kubelet killed the container at `now` (a failed probe), the container's previous exit at
   * `previousExit` (NaN if none): how long until it starts again. The sync that kills it checks
   * the previous exit; only if that one is still within its back-off does the restart wait, and
   * then the later syncs count from this kill.
   */
  killDelay(now: number, previousExit: number): number {
    if (Number.isNaN(previousExit)) {
      this.stepFrom = Number.NaN;
      return 0;
    }
    if (this.live(previousExit) && now - previousExit < this.backoff) return this.restartDelay(now);
    this.stepFrom = previousExit;
    return 0;
  }

  /** The kubelet starts the container again at `now`, after the exit its delay was asked for. */
  restarted(now: number): void {
    if (!Number.isNaN(this.stepFrom)) this.step(now, this.stepFrom);
  }

  /** A pull failed at `now`: how long until the kubelet pulls again. */
  pullFailed(now: number): number {
    this.step(now, now);
    return this.backoff;
  }
}
