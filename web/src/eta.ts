/**
 * The status line's estimate of the wall time a running run has left: the simulated seconds
 * still to go at the pace of the last few seconds of running. A paced run's pace is its
 * speed; a run at max speed slows where the load is dense, so the window follows it.
 */

/** Wall milliseconds of progress the pace is measured over. */
const WINDOW_MS = 5000;
/** Less running than this gives no estimate yet. */
const MIN_MS = 1000;

export class RunEta {
  private samples: Array<{ wallMs: number; now: number }> = [];

  /** Forgets the pace (a pause, a new run, a change of speed). */
  reset(): void {
    this.samples = [];
  }

  /**
   * Records that the run was at simulated second `now` at wall time `wallMs`; returns the wall
   * seconds left to `durationSeconds` at the recent pace, or undefined while it cannot tell.
   */
  note(wallMs: number, now: number, durationSeconds: number): number | undefined {
    const s = this.samples;
    // Back in simulated time: another run (loaded or restarted) whose pace is not known yet.
    if (s.length > 0 && now < s[s.length - 1]!.now) s.length = 0;
    s.push({ wallMs, now });
    // Keep the newest window (and one sample before it, so the window is covered).
    while (s.length > 2 && wallMs - s[1]!.wallMs >= WINDOW_MS) s.shift();
    const first = s[0]!;
    const wall = wallMs - first.wallMs;
    const simulated = now - first.now;
    if (wall < MIN_MS || !(simulated > 0)) return undefined;
    return (Math.max(0, durationSeconds - now) / simulated) * (wall / 1000);
  }
}

/** "about 40 s left", "about 3 min left": rounded up, as an estimate should not promise less. */
export function formatEta(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.ceil(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.ceil(seconds / 60)} min left`;
  return `about ${Math.ceil(seconds / 3600)} h left`;
}

/** The share of the run done, in whole percent, never 100 before the end. */
export function percentDone(now: number, durationSeconds: number): number {
  if (!(durationSeconds > 0)) return 100;
  return now >= durationSeconds ? 100 : Math.min(99, Math.floor((100 * now) / durationSeconds));
}
