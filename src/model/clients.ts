import { makeSampler, type Sampler } from '../engine/distributions.js';
import { ExponentialDraws, RandomStream, type RequestStream } from '../engine/random.js';
import { makeRate, shiftRate, type RateFunction } from './rate.js';
import type { Request, RequestOwner } from './request.js';
import type { ClientSpec, ClosedLoopSpec, OpenLoopSpec, TraceReplaySpec } from './spec.js';
import { watchStart } from './start-condition.js';
import type { World } from './world.js';

/**
 * The stream a client's requests take their route and work uniforms from. Open-loop and trace
 * arrivals do not depend on the system, so one stream per client keys them by request index.
 */
function requestStream(world: World, client: string): RequestStream {
  return world.sim.random.requestStream(`work/${client}`);
}

/** Open loop: the next arrival is drawn when the previous one is sent. */
class OpenLoopClient implements RequestOwner {
  private rate: RateFunction;
  private readonly rng: RandomStream;
  /** The gaps of a piecewise-constant rate, the only draws from `rng` then (thinning also draws uniforms). */
  private readonly gaps: ExponentialDraws | undefined;
  /** A constant positive rate's mean gap, 1 / rps (NaN otherwise): its draws need no rate lookups per request. */
  private readonly constantGap: number;
  private readonly work: RequestStream;
  private end: number;
  private readonly poisson: boolean;
  /** The Service's name (World.serviceName). */
  private readonly service: string;

  constructor(
    private readonly world: World,
    private readonly spec: OpenLoopSpec,
  ) {
    this.poisson = spec.process === 'poisson';
    this.service = world.serviceName(spec.service);
    this.rate = makeRate(spec.rate);
    // A shared stream name gives each client its own copy of that stream (the registry would hand out one object).
    this.rng = spec.randomStream === undefined ? world.sim.random.stream(`client/${spec.name}`) : new RandomStream(world.sim.random.seed, `client/${spec.randomStream}`);
    this.gaps = this.rate.segmentEnd !== undefined ? new ExponentialDraws(this.rng) : undefined;
    // A shifted constant rate is the same constant, so this holds after a conditional start too.
    this.constantGap = spec.rate.shape === 'constant' && spec.rate.rps > 0 ? 1 / spec.rate.rps : Number.NaN;
    this.work = requestStream(world, spec.randomStream ?? spec.name);
    this.end = spec.endSeconds;
    whenStarting(world, spec, (start, end, shift) => {
      // Shifting keeps a piecewise-constant rate piecewise constant (segmentEnd stays), so `gaps` still fits.
      this.rate = shiftRate(this.rate, shift);
      this.end = end;
      this.nextSend = start;
      this.scheduleNext(true);
    });
  }

  done(_req: Request): void {}

  /** When the pending arrival was sent (its event runs an ingress hop later). */
  private nextSend = 0;

  /**
   * Schedules the send after the one at `nextSend` (`first`: the first send, from `nextSend`).
   * The time goes through a field, not an argument: a number passed to a call that is not
   * inlined is boxed in a new heap number, once per request here.
   */
  private scheduleNext(first: boolean): void {
    const t = this.nextSend;
    const next = this.poisson ? this.nextPoisson(t) : this.nextUniform(t, first);
    if (next < this.end) {
      this.nextSend = next;
      this.world.sim.atInOrder(this.world.arrivals, next + this.world.ingressLatency, this.fire, this);
    }
  }

  private fire(this: void, self: OpenLoopClient): void {
    const s = self.spec;
    self.world.arrive(self, s.name, self.service, s.tag, s.timeoutSeconds, undefined, self.nextSend, self.work);
    self.scheduleNext(false);
  }

  /** Exact for piecewise-constant rates (memoryless across segments), thinning otherwise. */
  private nextPoisson(t: number): number {
    const end = this.end;
    const rate = this.rate;
    const gaps = this.gaps;
    // The general loop below gives the same number: one segment, the same 1 / rps as the mean.
    if (this.constantGap === this.constantGap && gaps !== undefined) return t < end ? t + gaps.next(this.constantGap) : Number.POSITIVE_INFINITY;
    if (rate.segmentEnd !== undefined && gaps !== undefined) {
      while (t < end) {
        const r = rate.at(t);
        const segEnd = rate.segmentEnd(t);
        if (r > 0) {
          const next = t + gaps.next(1 / r);
          if (next < segEnd) return next;
        }
        t = segEnd;
      }
      return Number.POSITIVE_INFINITY;
    }
    const lambdaMax = rate.max(t, end);
    if (!(lambdaMax > 0)) return Number.POSITIVE_INFINITY;
    while (t < end) {
      t += this.rng.exponential(1 / lambdaMax);
      if (this.rng.next() * lambdaMax <= rate.at(t)) return t;
    }
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Evenly spaced by the rate's integral (one request each time it adds up to one more), the
   * first at once; after a stretch at 0 rps, again at once where the rate turns positive.
   */
  private nextUniform(t: number, first: boolean): number {
    return first ? this.rate.firstPositive(t) : this.rate.oneMore(t);
  }
}

/**
 * Closed loop: each user sends, waits for the answer, thinks, and sends again until the end.
 * When a user sends depends on the system, so each user has its own stream: its k-th request
 * gets the same route and work uniforms, and its k-th think time the same value, in any configuration.
 */
class ClosedLoopUser implements RequestOwner {
  sentAt = 0;
  /** With `qps`: the index of the user's next ticker tick, the first after its last send. */
  nextTick = 1;
  readonly stream: RequestStream;
  constructor(
    private readonly client: ClosedLoopClient,
    readonly index: number,
    world: World,
    clientName: string,
  ) {
    // The index comes first so that no other client's name can produce the same stream name.
    this.stream = world.sim.random.requestStream(`user/${index}/${clientName}`);
  }

  done(_req: Request): void {
    this.client.userDone(this);
  }
}

class ClosedLoopClient {
  private readonly think: Sampler;
  private end: number;
  private readonly service: string;
  /**
   * hey's `-q`: each worker waits on its own ticker (started with the load) before each request.
   * Its period is 1e6 / qps truncated to whole microseconds; ticks at start + k·period, k ≥ 1.
   */
  private readonly tickPeriod: number | undefined;
  private tickStart = 0;

  constructor(
    private readonly world: World,
    private readonly spec: ClosedLoopSpec,
  ) {
    this.service = world.serviceName(spec.service);
    this.think = makeSampler(spec.think);
    this.end = spec.endSeconds;
    this.tickPeriod = spec.qps !== undefined ? Math.trunc(1e6 / spec.qps) / 1e6 : undefined;
    whenStarting(world, spec, (start, end) => {
      this.end = end;
      this.tickStart = start;
      for (let i = 0; i < spec.users; i++) this.sendAt(start, new ClosedLoopUser(this, i, world, spec.randomStream ?? spec.name));
    });
  }

  /**
   * When a user ready to send at `t` sends. A Go ticker holds at most one tick for a receiver that is
   * busy and drops the rest: the first tick after the user's last send waits for it, so it sends at
   * once if that tick has passed, else at the tick; none is saved up for a burst.
   */
  private paced(t: number, user: ClosedLoopUser): number {
    const period = this.tickPeriod;
    if (period === undefined) return t;
    const tick = this.tickStart + user.nextTick * period;
    if (tick >= t) {
      user.nextTick++;
      return tick;
    }
    // Sent on the held tick: the next one the ticker can hold is the first after t.
    let k = Math.floor((t - this.tickStart) / period) + 1;
    while (this.tickStart + k * period <= t) k++;
    while (k > user.nextTick + 1 && this.tickStart + (k - 1) * period > t) k--;
    user.nextTick = k;
    return t;
  }

  private sendAt(ready: number, user: ClosedLoopUser): void {
    const t = this.paced(ready, user);
    if (t >= this.end) return;
    user.sentAt = t;
    this.world.sim.at(t + this.world.ingressLatency, this.arrive, user);
  }

  private arrive = (user: ClosedLoopUser): void => {
    const s = this.spec;
    this.world.arrive(user, s.name, this.service, s.tag, s.timeoutSeconds, undefined, user.sentAt, user.stream);
  };

  userDone(user: ClosedLoopUser): void {
    this.sendAt(this.world.sim.now + this.think.quantile(user.stream.open()), user);
  }
}

/** Replays recorded arrivals, one pending event at a time. */
class TraceClient implements RequestOwner {
  private i = 0;
  private readonly work: RequestStream;
  private start = 0;
  private end: number;
  /** Added to the recorded arrivals: a conditional client's trace counts from its start. */
  private shift = 0;
  private readonly service: string;
  constructor(
    private readonly world: World,
    private readonly spec: TraceReplaySpec,
  ) {
    this.service = world.serviceName(spec.service);
    this.work = requestStream(world, spec.randomStream ?? spec.name);
    this.end = spec.endSeconds;
    whenStarting(world, spec, (start, end, shift) => {
      this.start = start;
      this.end = end;
      this.shift = shift;
      this.scheduleNext();
    });
  }

  done(_req: Request): void {}

  private scheduleNext(): void {
    const a = this.spec.arrivals;
    while (this.i < a.length && a[this.i]! + this.shift < this.start) this.i++;
    if (this.i < a.length && a[this.i]! + this.shift < this.end) this.world.sim.atInOrder(this.world.arrivals, a[this.i]! + this.shift + this.world.ingressLatency, this.fire, this);
  }

  private fire(this: void, self: TraceClient): void {
    const s = self.spec;
    const d = s.durations?.[self.i];
    self.world.arrive(self, s.name, self.service, s.tag, s.timeoutSeconds, d, s.arrivals[self.i]! + self.shift, self.work);
    self.i++;
    self.scheduleNext();
  }
}

/**
 * Calls `begin(start, end, shift)` when the client starts: at once for `startSeconds`, or
 * when its `startWhen` condition is met; `shift` is what its rate's and trace's times move
 * by (0, or the conditional start). `forSeconds` ends it that long after its start.
 */
function whenStarting(world: World, spec: ClientSpec, begin: (start: number, end: number, shift: number) => void): void {
  const endFor = (start: number): number => (spec.forSeconds !== undefined ? Math.min(spec.endSeconds, start + spec.forSeconds) : spec.endSeconds);
  if (spec.startWhen === undefined) {
    begin(spec.startSeconds, endFor(spec.startSeconds), 0);
    return;
  }
  watchStart(world, spec.startWhen, (t) => begin(t, endFor(t), t));
}

export function startClients(world: World): void {
  for (const c of world.spec.clients) {
    if (c.kind === 'open') new OpenLoopClient(world, c);
    else if (c.kind === 'closed') new ClosedLoopClient(world, c);
    else new TraceClient(world, c);
  }
}
