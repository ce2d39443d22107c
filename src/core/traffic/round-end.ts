/**
 * A probe round's end kept as its probes come and go (probe-round.ts roundEndsAt, without a pass
 * over the round's probes at each change): a round of thousands of starting pods changes with
 * every pod whose check answers or whose address leaves, and each change must not cost a pass.
 *
 * The end is the timeout while any probe waits, else the latest pass (the round's start if none).
 * Only forgetting the last probe that passes at the latest time asks for a recount.
 */
import { ACTIVATOR_PROBE_TIMEOUT_SECONDS, type RoundProbe } from './probe-round.js';

export class RoundEnd {
  private waiting = 0;
  private latestPass = Number.NEGATIVE_INFINITY;
  /** How many probes pass at `latestPass`. */
  private atLatest = 0;

  constructor(
    readonly roundSeconds: number,
    private readonly timeoutSeconds = ACTIVATOR_PROBE_TIMEOUT_SECONDS,
  ) {}

  add(p: RoundProbe): void {
    if (p.kind === 'waits') this.waiting++;
    else if (p.kind === 'passes') {
      if (p.atSeconds > this.latestPass) {
        this.latestPass = p.atSeconds;
        this.atLatest = 1;
      } else if (p.atSeconds === this.latestPass) this.atLatest++;
    }
  }

  /** Takes `p` out; false when the latest pass left and {@link recount} must run over the probes left. */
  remove(p: RoundProbe): boolean {
    if (p.kind === 'waits') this.waiting--;
    else if (p.kind === 'passes' && p.atSeconds === this.latestPass && --this.atLatest === 0) return false;
    return true;
  }

  /** Recounts the passes from the round's probes (the waiting count stays). */
  recount(probes: Iterable<RoundProbe>): void {
    this.latestPass = Number.NEGATIVE_INFINITY;
    this.atLatest = 0;
    for (const p of probes) if (p.kind === 'passes') this.add(p);
  }

  /** When the round ends, as roundEndsAt gives it for the same probes. */
  get endsAt(): number {
    if (this.waiting > 0) return this.roundSeconds + this.timeoutSeconds;
    return Math.max(this.roundSeconds, this.latestPass);
  }
}
