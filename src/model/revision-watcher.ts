/**
 * The activators' revision watcher for one revision (revision_backends.go run/checkDests): probe
 * rounds, each over every address not yet found healthy, at an Endpoints change and on the
 * watcher's ticker; a round hands on its finds only when it ends (probe-round.ts).
 *
 * Every activator's watcher of a revision is made as it first sees the revision's private
 * Endpoints, so they share one ticker here, started with the revision; the activators share
 * one view of the pods found healthy too.
 */
import { nextTickAfter, roundEndsAt, roundProbe, type RoundProbe } from '../core/traffic/index.js';
import type { Pod } from './pod.js';
import type { Simulation } from '../engine/simulation.js';

interface Target {
  readonly pod: Pod;
  /** Its address is in the Endpoints from here (appeared, or turned non-ready). */
  readonly since: number;
  /** When its queue-proxy listens, if known ahead (NaN: read the pod's). */
  readonly queueProxyUp: number;
  /** From when its user container passes (NaN: not known yet). */
  ready: number;
  /** When the queue-proxy's check the probes wait on started (NaN: none). */
  checkFrom: number;
  /** Told when a round that found it ends. */
  found: (() => void) | undefined;
}

export interface WatcherHost {
  readonly sim: Simulation;
  /** Runs `found` now, as one update of the activators' healthy pods (Revision.atEndpointsEvent). */
  endpointsUpdate(found: readonly (() => void)[]): void;
}

export class RevisionWatcher {
  private readonly targets = new Map<Pod, Target>();
  /** The running round: its start and its probes (NaN: none running). */
  private roundStart = Number.NaN;
  private roundProbes = new Map<Target, RoundProbe>();
  /** Bumped to drop a scheduled round end or tick that no longer holds. */
  private token = 0;
  private endpointsPending = false;
  /** When the ticker's last tick was read (its start before any). */
  private lastTickRead: number;

  constructor(
    private readonly host: WatcherHost,
    private readonly anchor: number,
    private readonly period: number,
    private readonly aggressive: boolean,
  ) {
    this.lastTickRead = anchor;
  }

  /**
   * `pod`'s address is to be probed from `since` (≥ now: it appears then; or now, as it turns
   * non-ready or its container restarts), its user container passing from `ready` (NaN: see
   * {@link passes}), `found` told at the end of the round that finds it.
   */
  watch(pod: Pod, since: number, ready: number, found: (() => void) | undefined, queueProxyUp = Number.NaN): void {
    this.targets.set(pod, { pod, since, queueProxyUp, ready, checkFrom: Number.NaN, found });
    this.host.sim.at(since, this.onEndpointsChanged, undefined);
  }

  /** `pod`'s user container passes from `now`: the probe waiting on its check gets the answer. */
  passes(pod: Pod, now: number, found: () => void): void {
    const t = this.targets.get(pod);
    if (t === undefined) return;
    t.ready = now;
    t.found = found;
    if (this.roundProbes.get(t)?.kind !== 'waits') return;
    const p = this.probe(t, this.roundStart);
    this.roundProbes.set(t, p);
    if (p.kind === 'passes') this.scheduleEnd();
  }

  /** `pod`'s user container fails again: its check no longer passes. */
  fails(pod: Pod): void {
    const t = this.targets.get(pod);
    if (t !== undefined) t.ready = Number.NaN;
  }

  /** `pod` needs no probing any more: found healthy otherwise, or gone from the Endpoints. */
  forget(pod: Pod): void {
    const t = this.targets.get(pod);
    if (t === undefined) return;
    this.targets.delete(pod);
    // A probe of an address that left fails at once; the round may end sooner.
    if (this.roundProbes.delete(t)) this.scheduleEnd();
  }

  /** Another Endpoints change of the revision (a pod Ready, or gone): a round at once, or after the running one. */
  endpointsChanged(): void {
    this.onEndpointsChanged();
  }

  private readonly onEndpointsChanged = (): void => {
    if (!Number.isNaN(this.roundStart)) {
      this.endpointsPending = true;
      return;
    }
    // Every address already found: the round would probe nothing and hand on nothing new.
    if (this.probing(this.host.sim.now)) this.startRound(this.host.sim.now);
  };

  /** Whether an address in the Endpoints at `now` is not yet found. */
  private probing(now: number): boolean {
    for (const t of this.targets.values()) if (t.since <= now && t.pod.isOk) return true;
    return false;
  }

  private probe(t: Target, s: number): RoundProbe {
    const qp = Number.isNaN(t.queueProxyUp) ? t.pod.queueProxyUpAt : t.queueProxyUp;
    const r = roundProbe({ roundSeconds: s, queueProxyUpSeconds: qp, readySeconds: t.ready, checkFromSeconds: t.checkFrom, aggressive: this.aggressive });
    t.checkFrom = r.checkFromSeconds;
    return r.probe;
  }

  private startRound(s: number): void {
    this.roundStart = s;
    this.roundProbes = new Map();
    for (const t of this.targets.values()) if (t.since <= s && t.pod.isOk) this.roundProbes.set(t, this.probe(t, s));
    this.scheduleEnd();
  }

  private scheduleEnd(): void {
    const end = roundEndsAt(this.roundStart, [...this.roundProbes.values()]);
    this.host.sim.at(Math.max(end, this.host.sim.now), this.onRoundEnd, ++this.token);
  }

  private readonly onRoundEnd = (token: number): void => {
    if (token !== this.token) return;
    const now = this.host.sim.now;
    const found: (() => void)[] = [];
    for (const [t, p] of this.roundProbes) {
      if (p.kind !== 'passes' || this.targets.get(t.pod) !== t) continue;
      this.targets.delete(t.pod);
      if (t.found !== undefined) found.push(t.found);
    }
    this.roundStart = Number.NaN;
    this.roundProbes = new Map();
    this.next(now);
    // Handed on once the next round is set, so that an Endpoints change they bring waits for it.
    if (found.length > 0) this.host.endpointsUpdate(found);
  };

  /** After a round: the next at once for an Endpoints change that came meanwhile, else on the ticker. */
  private next(now: number): void {
    if (this.endpointsPending) {
      this.endpointsPending = false;
      this.onEndpointsChanged();
      return;
    }
    // The ticker is listened to only while some address in the Endpoints is not yet found.
    if (!this.probing(now)) return;
    this.host.sim.at(Math.max(now, nextTickAfter(this.anchor, this.period, this.lastTickRead)), this.onTick, ++this.token);
  }

  private readonly onTick = (token: number): void => {
    if (token !== this.token) return;
    this.lastTickRead = this.host.sim.now;
    this.startRound(this.host.sim.now);
  };
}
