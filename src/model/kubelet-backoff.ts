/**
 * The kubelet's restart back-off for a crashing container (and for failed image pulls):
 * 10 s, doubling, at most 5 min; a container that ran 10 min without a problem starts
 * again from 10 s (Kubernetes docs, "Container restarts").
 */
export const BACKOFF_INITIAL_SECONDS = 10;
export const BACKOFF_MAX_SECONDS = 300;
/** Running this long resets the back-off (twice the maximum, as the kubelet's back-off entries expire). */
export const BACKOFF_RESET_SECONDS = 600;

export class KubeletBackoff {
  /** The delay the next failure waits. */
  private next = BACKOFF_INITIAL_SECONDS;

  /**
   * A failure at `now` after running since `runningSince` (NaN: it never ran):
   * returns how long to wait before the next attempt.
   */
  failed(now: number, runningSince: number): number {
    if (now - runningSince >= BACKOFF_RESET_SECONDS) this.next = BACKOFF_INITIAL_SECONDS;
    const delay = this.next;
    this.next = Math.min(this.next * 2, BACKOFF_MAX_SECONDS);
    return delay;
  }
}
