import type { Activator, RevisionThrottler } from './activator.js';
import type { Pod } from './pod.js';
import type { Revision } from './revision.js';

/** Status codes as requests.csv writes them; CLIENT_TIMEOUT is the client giving up. */
export const STATUS_OK = 200;
export const STATUS_NO_ROUTE = 404;
/** The user container exited under a request: the queue-proxy's proxy answers 502 Bad Gateway. */
export const STATUS_BAD_GATEWAY = 502;
export const STATUS_OVERLOADED = 503;
export const STATUS_TIMEOUT = 504;
export const STATUS_CLIENT_TIMEOUT = -1;

/**
 * Where a request is now; a deadline event that finds it elsewhere is stale.
 *
 * The build does not inline a const enum across modules (verbatimModuleSyntax), and V8's optimizing
 * compiler loads an imported binding and its member at every use, while a module's own `const`
 * numbers are folded into its code. So the modules on the per-request path (world, pod, activator)
 * copy the phases they read into constants of their own: in `steady-1h` that cut about 7 % of the
 * instructions per request.
 */
export const enum Phase {
  Routing,
  AtActivator,
  /** Sent on by an activator, not yet inside a pod's breaker. */
  Dispatched,
  QueuedAtPod,
  Executing,
  Done,
}

/** Called when a request finishes, whatever the outcome. */
export interface RequestOwner {
  done(req: Request): void;
}

/**
 * One request. The world may reuse a finished Request for a later one (see
 * Recorder.copiesRequests), so the fields are reset in {@link init}, and every field starts
 * with a value of its type (a double field keeps an unboxed slot that a reuse overwrites).
 */
export class Request {
  id = 0;
  /** Its origin's key mixed with its index in that origin (RequestStream): the same request in every run of the seed. */
  originKey = 0;
  owner: RequestOwner;
  clientName = '';
  service = '';
  tag: string | undefined = undefined;
  /** When the client sent it. */
  arrival = Number.NaN;
  /** Service time from a replayed trace; otherwise drawn from the revision's app model. */
  fixedServiceTime: number | undefined = undefined;
  revision: Revision | undefined = undefined;
  route: 'activator' | 'direct' | 'none' = 'none';
  activator: Activator | undefined = undefined;
  /** The activator's throttler for its revision, when it went through one. */
  throttler: RevisionThrottler | undefined = undefined;
  pod: Pod | undefined = undefined;
  /** The activator's tracker it was sent through (opaque here), so that only that tracker's count goes down. */
  tracker: object | undefined = undefined;
  phase: Phase = Phase.Routing;
  status = 0;
  /** Arrival at the activator and when it left for a pod. */
  activatorIn = Number.NaN;
  activatorOut = Number.NaN;
  /** Arrival at the pod's queue-proxy, and when the user container took it. */
  podIn = Number.NaN;
  serviceStart = Number.NaN;
  end = Number.NaN;
  /** It waited at an activator while the revision had no pod to send it to. */
  cold = false;
  /** The earliest of the client's and the revision's timeouts (absolute time). */
  deadline = Number.POSITIVE_INFINITY;
  deadlineIsClient = false;
  /** For a revision that streams (its timeouts are timed again as its work starts): when it was routed, and the client's own deadline (+∞: none). */
  routedAt = Number.NaN;
  clientDeadline = Number.POSITIVE_INFINITY;
  /** For a revision that streams: when the app writes the response's first byte (set as its work starts). */
  firstByteAt = Number.NaN;
  /** A WebSocket session (app.webSocket) closed before its own end by a shutdown: its pod's app at SIGTERM, or its activator's exit. */
  closedAtShutdown = false;
  /** Position in the world's DeadlineSet while a timeout is watched for it; −1 otherwise. */
  deadlineIndex = -1;
  /**
   * The work it brings, set when routed: the trace's duration, or the revision's service-time
   * quantile at the request's own uniform. NaN while unrouted (404s never get one).
   */
  serviceTime = Number.NaN;
  /** The request's route and work uniforms, drawn when it arrives; the work one also sets the CPU model's wait time. */
  routeU = Number.NaN;
  workU = Number.NaN;
  /** The pod's ActiveRequests it is in, and its neighbours there (revisions that model faults). */
  activeIn: object | undefined = undefined;
  activePrev: Request | undefined = undefined;
  activeNext: Request | undefined = undefined;
  /** Its job in a CPU queue (cpu.ts) while it is in service there. */
  psJob: object | undefined = undefined;
  /** The pod's resources it is in the non-CPU wait phase of (pod-resources.ts). */
  waitingIn: object | undefined = undefined;
  /**
   * Set only in an app that hangs (NaN otherwise: its completion event stands): +∞ while it is
   * stalled, so a pending completion is void; once the app resumes, the time of the one completion that counts.
   */
  doneAt = Number.NaN;

  constructor(owner: RequestOwner) {
    this.owner = owner;
  }

  /**
   * Makes this a new request, every field as a new one has it; its arrival (a number, so
   * not an argument: see World.arrive) is set by the caller.
   */
  init(id: number, owner: RequestOwner, clientName: string, service: string, tag: string | undefined, fixedServiceTime: number | undefined): this {
    this.id = id;
    this.owner = owner;
    this.clientName = clientName;
    this.service = service;
    this.tag = tag;
    this.arrival = Number.NaN;
    this.fixedServiceTime = fixedServiceTime;
    this.revision = undefined;
    this.route = 'none';
    this.activator = undefined;
    this.throttler = undefined;
    this.pod = undefined;
    this.tracker = undefined;
    this.phase = Phase.Routing;
    this.status = 0;
    this.activatorIn = Number.NaN;
    this.activatorOut = Number.NaN;
    this.podIn = Number.NaN;
    this.serviceStart = Number.NaN;
    this.end = Number.NaN;
    this.cold = false;
    this.deadline = Number.POSITIVE_INFINITY;
    this.deadlineIsClient = false;
    this.routedAt = Number.NaN;
    this.clientDeadline = Number.POSITIVE_INFINITY;
    this.firstByteAt = Number.NaN;
    this.closedAtShutdown = false;
    this.deadlineIndex = -1;
    this.serviceTime = Number.NaN;
    this.routeU = Number.NaN;
    this.workU = Number.NaN;
    this.activeIn = undefined;
    this.activePrev = undefined;
    this.activeNext = undefined;
    this.psJob = undefined;
    this.waitingIn = undefined;
    this.doneAt = Number.NaN;
    return this;
  }
}
