/**
 * One kubelet back-off entry (a pod's container, or a pod's image), as the kubelet keeps it in
 * client-go's flowcontrol.Backoff: 10 s, doubling on each step, at most 5 min. An entry whose
 * last step is more than twice the maximum (10 min) before the failure counts as gone, so the
 * curve starts again.
 *
 * The two users differ in when they step it. A crashed container is restarted at once when it
 * has no live entry (its first crash, or its first after running over 10 min since the last
 * restart), and the restart is the step (kuberuntime doBackOff); so crashes wait 0, 10, 20, 40 …
 * 300 s. A failed image pull steps it at the failure and the next pull waits the new value
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
    return this.live(finishedAt) ? this.backoff : 0;
  }

  /** The kubelet starts the container again at `now` after its exit at `finishedAt`. */
  restarted(now: number, finishedAt: number): void {
    this.step(now, finishedAt);
  }

  /** A pull failed at `now`: how long until the kubelet pulls again. */
  pullFailed(now: number): number {
    this.step(now, now);
    return this.backoff;
  }
}
