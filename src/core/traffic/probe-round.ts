/**
 * One probe round of an activator's revision watcher (pkg/activator/net/revision_backends.go,
 * probePodIPs and run).
 *
 * A round probes every address it has not yet found healthy, all at once, under one 300 ms
 * timeout, and hands on what it found only when every probe of the round is back: a pod found
 * early waits for the round's slowest probe. A probe of an address whose queue-proxy does not
 * listen yet fails at once; one whose queue-proxy listens waits on the queue-proxy's check of
 * the user container (shared by every probe that comes meanwhile, pkg/queue/readiness/probe.go),
 * and that check, with Knative's default probe, retries every 50 ms on its own clock and so
 * outlives a probe that times out.
 *
 * The next round starts when the round ends: at once if an Endpoints change came meanwhile or
 * the ticker fired meanwhile (its channel keeps one tick), otherwise at the ticker's next tick.
 */
import { requireFinite, requirePositive } from '../errors.js';
import { gridPointAtOrAfter } from '../grid.js';
import { QUEUE_PROXY_PROBE_RETRY_SECONDS } from './activator-probe.js';

/** The activator's timeout for one probe round (revision_backends.go probeTimeout). */
export const ACTIVATOR_PROBE_TIMEOUT_SECONDS = 0.3;

/** Float slack of a round's comparisons: a queue-proxy that starts within it of a round's start is reached. */
export const ROUND_PROBE_SLACK_SECONDS = 1e-9;
const SLACK = ROUND_PROBE_SLACK_SECONDS;

/** What one address's probe in a round started at `roundSeconds` comes to. */
export type RoundProbe =
  /** The queue-proxy does not listen (or the single check fails): back at once, not found. */
  | { readonly kind: 'fails' }
  /** Found: the probe answers 200 at `atSeconds`. */
  | { readonly kind: 'passes'; readonly atSeconds: number }
  /** Still waiting on the queue-proxy's check: it holds the round until its timeout. */
  | { readonly kind: 'waits' };

export interface RoundProbeInput {
  readonly roundSeconds: number;
  /** When the queue-proxy listens (NaN: not yet). */
  readonly queueProxyUpSeconds: number;
  /** From when the user container passes its check (NaN: not known to pass yet). */
  readonly readySeconds: number;
  /** When the queue-proxy's running check started (NaN: none started yet). */
  readonly checkFromSeconds: number;
  /** Knative's default probe (no periodSeconds): the queue-proxy retries every 50 ms; otherwise a single check. */
  readonly aggressive: boolean;
  readonly timeoutSeconds?: number;
}

/** The probe of one address in a round, and when the queue-proxy's check it waits on started. */
export function roundProbe(p: RoundProbeInput): { probe: RoundProbe; checkFromSeconds: number } {
  const s = p.roundSeconds;
  requireFinite('roundSeconds', s);
  const timeout = p.timeoutSeconds ?? ACTIVATOR_PROBE_TIMEOUT_SECONDS;
  if (!(p.queueProxyUpSeconds <= s + SLACK)) return { probe: { kind: 'fails' }, checkFromSeconds: p.checkFromSeconds };
  const ready = p.readySeconds;
  if (!p.aggressive) {
    // One check per probe: it passes only if the container already does.
    return { probe: ready <= s + SLACK ? { kind: 'passes', atSeconds: s } : { kind: 'fails' }, checkFromSeconds: p.checkFromSeconds };
  }
  // This round's probe starts the check unless one is running.
  const from = Number.isNaN(p.checkFromSeconds) ? s : p.checkFromSeconds;
  if (Number.isNaN(ready)) return { probe: { kind: 'waits' }, checkFromSeconds: from };
  // A check that ended before this round (its answer went to a probe that had timed out) is
  // followed by a new one, which passes at once.
  const at = Math.max(s, gridPointAtOrAfter(from, QUEUE_PROXY_PROBE_RETRY_SECONDS, ready));
  return { probe: at <= s + timeout + SLACK ? { kind: 'passes', atSeconds: at } : { kind: 'waits' }, checkFromSeconds: from };
}

/** When a round started at `roundSeconds` with these probes ends: its slowest probe, or its timeout. */
export function roundEndsAt(roundSeconds: number, probes: readonly RoundProbe[], timeoutSeconds = ACTIVATOR_PROBE_TIMEOUT_SECONDS): number {
  let end = roundSeconds;
  for (const p of probes) {
    if (p.kind === 'waits') return roundSeconds + timeoutSeconds;
    if (p.kind === 'passes') end = Math.max(end, p.atSeconds);
  }
  return end;
}

/**
 * The ticker's next tick after the one read at `lastReadSeconds` (or after it started there):
 * it fires at anchor + k × period, and a tick that finds its channel full is dropped, so the
 * next one handed on is the first after the last read.
 */
export function nextTickAfter(anchorSeconds: number, periodSeconds: number, lastReadSeconds: number): number {
  requireFinite('anchorSeconds', anchorSeconds);
  requirePositive('periodSeconds', periodSeconds);
  const k = Math.max(0, Math.floor((lastReadSeconds - anchorSeconds) / periodSeconds + SLACK)) + 1;
  return anchorSeconds + k * periodSeconds;
}
