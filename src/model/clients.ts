import { makeSampler, type Sampler } from '../engine/distributions.js';
import type { RandomStream, RequestStream } from '../engine/random.js';
import { makeRate, type RateFunction } from './rate.js';
import type { Request, RequestOwner } from './request.js';
import type { ClosedLoopSpec, OpenLoopSpec, TraceReplaySpec } from './spec.js';
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
  private readonly rate: RateFunction;
  private readonly rng: RandomStream;
  private readonly work: RequestStream;

  constructor(
    private readonly world: World,
    private readonly spec: OpenLoopSpec,
  ) {
    this.rate = makeRate(spec.rate);
    this.rng = world.sim.random.stream(`client/${spec.name}`);
    this.work = requestStream(world, spec.name);
    this.scheduleAfter(spec.startSeconds, true);
  }

  done(_req: Request): void {}

  private scheduleAfter(t: number, first = false): void {
    const next = this.spec.process === 'poisson' ? this.nextPoisson(t) : this.nextUniform(t, first);
    if (next < this.spec.endSeconds) {
      this.nextSend = next;
      this.world.sim.at(next + this.world.ingressLatency, this.fire, this);
    }
  }

  private nextSend = 0;

  private fire(this: void, self: OpenLoopClient): void {
    const s = self.spec;
    const sentAt = self.nextSend;
    self.world.arrive(self, s.name, s.service, s.tag, s.timeoutSeconds, undefined, sentAt, self.work);
    self.scheduleAfter(sentAt);
  }

  /** Exact for piecewise-constant rates (memoryless across segments), thinning otherwise. */
  private nextPoisson(t: number): number {
    const end = this.spec.endSeconds;
    const rate = this.rate;
    if (rate.segmentEnd !== undefined) {
      while (t < end) {
        const r = rate.at(t);
        const segEnd = rate.segmentEnd(t);
        if (r > 0) {
          const next = t + this.rng.exponential(1 / r);
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

  /** Evenly spaced at the current rate, the first at once; zero-rate stretches are skipped. */
  private nextUniform(t: number, first: boolean): number {
    const end = this.spec.endSeconds;
    while (t < end) {
      const r = this.rate.at(t);
      if (r > 0) return first ? t : t + 1 / r;
      t = this.rate.segmentEnd?.(t) ?? t + 0.1;
      first = true;
    }
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Closed loop: each user sends, waits for the answer, thinks, and sends again until the end.
 * When a user sends depends on the system, so each user has its own stream: its k-th request
 * gets the same route and work uniforms, and its k-th think time the same value, in any configuration.
 */
class ClosedLoopUser implements RequestOwner {
  sentAt = 0;
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

  constructor(
    private readonly world: World,
    private readonly spec: ClosedLoopSpec,
  ) {
    this.think = makeSampler(spec.think);
    for (let i = 0; i < spec.users; i++) this.sendAt(spec.startSeconds, new ClosedLoopUser(this, i, world, spec.name));
  }

  private sendAt(t: number, user: ClosedLoopUser): void {
    if (t >= this.spec.endSeconds) return;
    user.sentAt = t;
    this.world.sim.at(t + this.world.ingressLatency, this.arrive, user);
  }

  private arrive = (user: ClosedLoopUser): void => {
    const s = this.spec;
    this.world.arrive(user, s.name, s.service, s.tag, s.timeoutSeconds, undefined, user.sentAt, user.stream);
  };

  userDone(user: ClosedLoopUser): void {
    this.sendAt(this.world.sim.now + this.think.quantile(user.stream.open()), user);
  }
}

/** Replays recorded arrivals, one pending event at a time. */
class TraceClient implements RequestOwner {
  private i = 0;
  private readonly work: RequestStream;
  constructor(
    private readonly world: World,
    private readonly spec: TraceReplaySpec,
  ) {
    this.work = requestStream(world, spec.name);
    this.scheduleNext();
  }

  done(_req: Request): void {}

  private scheduleNext(): void {
    const a = this.spec.arrivals;
    while (this.i < a.length && a[this.i]! < this.spec.startSeconds) this.i++;
    if (this.i < a.length && a[this.i]! < this.spec.endSeconds) this.world.sim.at(a[this.i]! + this.world.ingressLatency, this.fire, this);
  }

  private fire(this: void, self: TraceClient): void {
    const s = self.spec;
    const d = s.durations?.[self.i];
    self.world.arrive(self, s.name, s.service, s.tag, s.timeoutSeconds, d, s.arrivals[self.i]!, self.work);
    self.i++;
    self.scheduleNext();
  }
}

export function startClients(world: World): void {
  for (const c of world.spec.clients) {
    if (c.kind === 'open') new OpenLoopClient(world, c);
    else if (c.kind === 'closed') new ClosedLoopClient(world, c);
    else new TraceClient(world, c);
  }
}
