/**
 * The activators' revision watcher for one revision (revision_backends.go run/checkDests): probe
 * rounds, each over every address not yet found healthy, at an Endpoints change and on the
 * watcher's ticker; a round hands on its finds only when it ends (probe-round.ts).
 *
 * Every activator up when the revision is created makes its watcher of it then, as it first sees
 * the revision's private Endpoints: they share one watcher and ticker, started with the revision,
 * and one view of the pods found healthy. An activator whose process starts later (a restart, a
 * new pod) has one of its own, ticking from its start (activator-view.ts). The queue-proxy's check
 * the probes wait on is the pod's (Pod.probeCheckFrom): every watcher's probes share it.
 */
import { nextTickAfter, ROUND_PROBE_SLACK_SECONDS, RoundEnd, roundProbe, type RoundProbe } from '../core/traffic/index.js';
import { MinHeap } from './min-heap.js';
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
  /** The check its probes would have started, while no live activator sends them (see WatcherHost.probesSent). */
  unsentCheckFrom: number;
  /** Told when a round that found it ends. */
  found: (() => void) | undefined;
  /** Its place among the targets (kept when it is watched again before it is found): a round hands its finds on in this order. */
  readonly seq: number;
}

export interface WatcherHost {
  readonly sim: Simulation;
  /** Runs `found` now, as one update of the activators' healthy pods (Revision.atEndpointsEvent). */
  endpointsUpdate(found: readonly (() => void)[]): void;
  /**
   * Whether a live activator process sends this watcher's probes (default yes). The revision's
   * shared watcher outlives the activators it stood for (all restarted or gone): it still keeps
   * the revision's view of the pods, but its probes no longer start a queue-proxy's check.
   */
  probesSent?(): boolean;
}

export class RevisionWatcher {
  private readonly targets = new Map<Pod, Target>();
  private nextSeq = 0;
  /*
   * A round probes every address in the Endpoints, but one whose queue-proxy does not listen yet
   * fails at once and changes nothing; with thousands of pods starting, looking at each of them in
   * every round made a scale-up quadratic. So the targets are sorted by when their probe can first
   * reach a queue-proxy, and a round looks only at those it can (`reached`). Entries that no longer
   * hold stay in the heaps and are skipped as they come out.
   */
  /** Targets whose address is not in the Endpoints yet, by `since`. */
  private readonly comingIn = new MinHeap<Target>();
  /** Targets whose address is in the Endpoints (`since` passed). */
  private readonly present = new Set<Target>();
  /** Present targets whose queue-proxy has not started yet (told by {@link queueProxyUp}). */
  private readonly qpUnknown = new Set<Target>();
  /** Present targets whose queue-proxy starts later, by when it does. */
  private readonly qpComing = new MinHeap<Target>();
  /** Present targets whose queue-proxy listens: the only ones a round's probe can reach. */
  private readonly reached = new Set<Target>();
  /** The running round: its start and its probes that do not fail (NaN: none running). */
  private roundStart = Number.NaN;
  private roundProbes = new Map<Target, RoundProbe>();
  private roundEnd = new RoundEnd(Number.NaN);
  /** When the running round's end is scheduled (NaN: not yet). */
  private endAt = Number.NaN;
  /** Bumped to drop a scheduled round end or tick that no longer holds. */
  private token = 0;
  private endpointsPending = false;
  private stopped = false;
  /** When the ticker's last tick was read (its start before any). */
  private lastTickRead: number;
  /** How many round ends were scheduled (rescheduled ones included): a round's cost, for tests. */
  scheduledEnds = 0;

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
    const old = this.targets.get(pod);
    if (old !== undefined) this.drop(old);
    // A new address, or one moved: the queue-proxy's check the probes wait on starts afresh.
    pod.probeCheckFrom = Number.NaN;
    this.add(pod, since, ready, found, queueProxyUp, old?.seq);
    this.host.sim.at(since, this.onAddressEvent, undefined);
  }

  /**
   * A watcher started after the pod's address appeared takes it as it stands, a target as the
   * revision's other watchers have it (`since` may be ahead); an address present now is probed
   * by the round the caller starts with {@link endpointsChanged}, once every address is in, as
   * upstream's first round takes the whole Endpoints.
   */
  adopt(pod: Pod, since: number, ready: number, found: (() => void) | undefined, queueProxyUp: number): void {
    const now = this.host.sim.now;
    this.add(pod, Math.max(since, now), ready, found, queueProxyUp, undefined);
    if (since > now) this.host.sim.at(since, this.onAddressEvent, undefined);
  }

  private add(pod: Pod, since: number, ready: number, found: (() => void) | undefined, queueProxyUp: number, seq: number | undefined): void {
    const t: Target = { pod, since, queueProxyUp, ready, unsentCheckFrom: Number.NaN, found, seq: seq ?? this.nextSeq++ };
    this.targets.set(pod, t);
    this.comingIn.push(since, t);
  }

  /** What the watcher knows of `pod` while it is still to be found: when its address appears, its user container passes and its queue-proxy listens. */
  targetOf(pod: Pod): { since: number; ready: number; queueProxyUp: number } | undefined {
    const t = this.targets.get(pod);
    return t === undefined ? undefined : { since: t.since, ready: t.ready, queueProxyUp: t.queueProxyUp };
  }

  /** Its activator's process is gone: no round, tick or address event of it runs any more. */
  stop(): void {
    this.stopped = true;
    this.token++;
    this.targets.clear();
    this.present.clear();
    this.qpUnknown.clear();
    this.reached.clear();
    this.roundProbes = new Map();
  }

  /** `pod`'s queue-proxy listens from now (Pod.queueProxyUpAt is set). */
  queueProxyUp(pod: Pod): void {
    const t = this.targets.get(pod);
    if (t !== undefined && this.qpUnknown.delete(t)) this.qpComing.push(pod.queueProxyUpAt, t);
  }

  /** `pod`'s user container passes from `now`: the probe waiting on its check gets the answer. */
  passes(pod: Pod, now: number, found: () => void): void {
    const t = this.targets.get(pod);
    if (t === undefined) return;
    t.ready = now;
    t.found = found;
    const was = this.roundProbes.get(t);
    if (was?.kind !== 'waits') return;
    const p = this.probe(t, this.roundStart);
    if (p.kind !== 'passes') return;
    this.roundProbes.set(t, p);
    this.roundEnd.remove(was);
    this.roundEnd.add(p);
    this.scheduleEnd();
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
    this.drop(t);
    // A probe of an address that left fails at once; the round may end sooner.
    const p = this.roundProbes.get(t);
    if (p === undefined) return;
    this.roundProbes.delete(t);
    if (!this.roundEnd.remove(p)) this.roundEnd.recount(this.roundProbes.values());
    this.scheduleEnd();
  }

  /** Takes `t` out of the indexes (the heaps skip it as it comes out). */
  private drop(t: Target): void {
    this.present.delete(t);
    this.qpUnknown.delete(t);
    this.reached.delete(t);
  }

  /** Whether `t` is the pod's target still (not found, forgotten or watched again since). */
  private live(t: Target): boolean {
    return this.targets.get(t.pod) === t;
  }

  /** Brings the targets whose address is in the Endpoints at `now` into `present`, sorted by their queue-proxy. */
  private admit(now: number): void {
    while (this.comingIn.minKey <= now) {
      const t = this.comingIn.pop()!;
      if (!this.live(t)) continue;
      this.present.add(t);
      const qp = this.queueProxyUpOf(t);
      if (Number.isNaN(qp)) this.qpUnknown.add(t);
      else this.qpComing.push(qp, t);
    }
  }

  /** Brings the present targets whose queue-proxy listens at `s` into `reached` (as roundProbe tells it). */
  private reach(s: number): void {
    this.admit(s);
    while (this.qpComing.minKey <= s + ROUND_PROBE_SLACK_SECONDS) {
      const t = this.qpComing.pop()!;
      if (this.live(t) && this.present.has(t)) this.reached.add(t);
    }
  }

  private queueProxyUpOf(t: Target): number {
    return Number.isNaN(t.queueProxyUp) ? t.pod.queueProxyUpAt : t.queueProxyUp;
  }

  /** Another Endpoints change of the revision (a pod Ready, or gone): a round at once, or after the running one. */
  endpointsChanged(): void {
    this.onEndpointsChanged(false);
  }

  /** The Endpoints change that brings a watched address (its own event: nothing follows it). */
  private readonly onAddressEvent = (): void => {
    this.onEndpointsChanged(true);
  };

  /** `last`: the running event does nothing after this (see {@link startRound}). */
  private onEndpointsChanged(last: boolean): void {
    if (this.stopped) return;
    if (!Number.isNaN(this.roundStart)) {
      this.endpointsPending = true;
      return;
    }
    // Every address already found: the round would probe nothing and hand on nothing new.
    if (this.probing(this.host.sim.now)) this.startRound(this.host.sim.now, last);
  }

  /** Whether an address in the Endpoints at `now` is not yet found. */
  private probing(now: number): boolean {
    this.admit(now);
    for (const t of this.present) if (t.pod.isOk) return true;
    return false;
  }

  private probe(t: Target, s: number): RoundProbe {
    const qp = this.queueProxyUpOf(t);
    // The check is the queue-proxy's: every activator's probe meanwhile waits on the same one.
    // Probes no process sends wait on a running check but start none.
    const sent = this.host.probesSent?.() ?? true;
    const running = t.pod.probeCheckFrom;
    const from = sent || !Number.isNaN(running) ? running : t.unsentCheckFrom;
    const r = roundProbe({ roundSeconds: s, queueProxyUpSeconds: qp, readySeconds: t.ready, checkFromSeconds: from, aggressive: this.aggressive });
    if (sent) t.pod.probeCheckFrom = r.checkFromSeconds;
    else if (Number.isNaN(running)) t.unsentCheckFrom = r.checkFromSeconds;
    return r.probe;
  }

  /**
   * `last`: the round is the running event's last work (one of the watcher's own events, with no
   * finds to hand on after it), so its end event, if due now with nothing else due now, would be
   * the very next event.
   */
  private startRound(s: number, last: boolean): void {
    this.roundStart = s;
    this.roundProbes = new Map();
    this.roundEnd = new RoundEnd(s);
    this.endAt = Number.NaN;
    this.reach(s);
    // A probe that fails at once neither holds the round nor finds anything: it is not kept.
    for (const t of this.reached) {
      if (!t.pod.isOk) continue;
      const p = this.probe(t, s);
      if (p.kind === 'fails') continue;
      this.roundProbes.set(t, p);
      this.roundEnd.add(p);
    }
    // A round that keeps no probe ends at its start and finds nothing (most rounds while pods start:
    // no queue-proxy listens yet). If its end event would run next, nothing can happen between:
    // it ends here, without the event.
    if (last && this.roundProbes.size === 0 && this.host.sim.wouldRunNext(s)) this.endEmptyRound(s);
    else this.scheduleEnd();
  }

  /** What {@link onRoundEnd} does for a round that kept no probe, run as its end event would have been. */
  private endEmptyRound(now: number): void {
    // As scheduling the end would: a tick or end scheduled before is dropped.
    this.token++;
    this.roundStart = Number.NaN;
    this.endAt = Number.NaN;
    this.next(now, true, true);
  }

  /** Schedules the round's end, again only when it moved (a pass or a forget that changes nothing keeps the event). */
  private scheduleEnd(): void {
    const at = Math.max(this.roundEnd.endsAt, this.host.sim.now);
    if (at === this.endAt) return;
    this.endAt = at;
    this.scheduledEnds++;
    this.host.sim.at(at, this.onRoundEnd, ++this.token);
  }

  private readonly onRoundEnd = (token: number): void => {
    if (token !== this.token) return;
    const now = this.host.sim.now;
    const passed: Target[] = [];
    for (const [t, p] of this.roundProbes) if (p.kind === 'passes' && this.live(t)) passed.push(t);
    // Handed on in the targets' order, as upstream's round walks its addresses.
    passed.sort((a, b) => a.seq - b.seq);
    const found: (() => void)[] = [];
    for (const t of passed) {
      this.targets.delete(t.pod);
      this.drop(t);
      if (t.found !== undefined) found.push(t.found);
    }
    this.roundStart = Number.NaN;
    this.roundProbes = new Map();
    this.endAt = Number.NaN;
    this.next(now, found.length === 0, false);
    // Handed on once the next round is set, so that an Endpoints change they bring waits for it.
    if (found.length > 0) this.host.endpointsUpdate(found);
  };

  /**
   * After a round: the next at once for an Endpoints change that came meanwhile, else on the ticker.
   * `last` as for {@link startRound}; `emptyHere`: the round kept no probe and ended in this event.
   */
  private next(now: number, last: boolean, emptyHere: boolean): void {
    if (this.endpointsPending) {
      this.endpointsPending = false;
      this.onEndpointsChanged(last);
      return;
    }
    // The ticker is listened to only while some address in the Endpoints is not yet found.
    if (!this.probing(now)) return;
    const tick = Math.max(now, nextTickAfter(this.anchor, this.period, this.lastTickRead));
    if (tick === now && this.lastTickRead !== now && last && this.host.sim.wouldRunNext(now) && (emptyHere || this.host.sim.scheduledAt === now)) {
      // A tick kept while no one read it, read by an event that would run next: read here instead.
      // What that event schedules is stamped the same (this event was scheduled now too), or is a
      // tick after a round that ended empty with nothing changed since (its round ends empty again).
      ++this.token;
      this.readTick(now);
      return;
    }
    this.host.sim.at(tick, this.onTick, ++this.token);
  }

  private readonly onTick = (token: number): void => {
    if (token !== this.token) return;
    this.readTick(this.host.sim.now);
  };

  private readTick(now: number): void {
    this.lastTickRead = now;
    this.startRound(now, true);
  }
}
