/**
 * One collection (a namespace's pods, PodAutoscalers or ServerlessServices) kept current by
 * the Kubernetes client's informer (list, then watch from the list's resourceVersion), the
 * way Knative's controllers see the cluster instead of polling it.
 *
 * The client's ListWatch rewatches when the server ends a watch; each watch asks the server to
 * end it within [5, 10) min (timeoutSeconds), and one still open 30 s past that is given up as a
 * dead connection (a failure, below). A 410 Gone (the
 * resourceVersion is too old) lists again, as client-go's reflector does: after a wait on its
 * backoff, not at once (see {@link ReflectorBackoff}); meanwhile the cache as last seen serves
 * reads. Any other error stops it: this wrapper logs the error and restarts it after the same
 * backoff on the injected clock — with a list first if the API server answered with an error
 * status (see {@link relistsAfter}) — the cache as last seen serving reads meanwhile (client-go's
 * reflector keeps its store, and its informer stays synced, through a failed watch or list).
 * A watch that cannot even be sent (its credentials failed: an exec plugin, a token file) is
 * such an error too, not a rejection nobody awaits (see {@link GuardedWatch}). Every `resyncSeconds` it relists from scratch (a fresh informer,
 * the old one serving reads until the new list is in), so a missed event cannot last.
 */
import * as k8s from '@kubernetes/client-node';
import { ReflectorBackoff } from './backoff.js';
import { monotonicSeconds, type Clock } from './clock.js';
import { describeError, type KubeClients } from './kube.js';
import type { Logger } from './log.js';
import type { CheckedList } from './response-shape.js';

/**
 * client-go's reflector opens each watch with timeoutSeconds drawn in [5, 10) min (its minimum
 * watch timeout times 1 + a random fraction), so the server ends it and watches spread out.
 */
export const MIN_WATCH_TIMEOUT_SECONDS = 5 * 60;

/**
 * A watch the server has not ended this long after its timeoutSeconds is taken for a dead
 * connection and given up (knsim's margin: client-node has no HTTP/2 pings, which find dead
 * connections for client-go; without it, a silently dropped connection was waited on forever).
 */
export const WATCH_DEAD_AFTER_SECONDS = 30;

/** A watch's timeoutSeconds for `random` uniform in [0, 1): in [300, 600). */
export function watchTimeoutSeconds(random: () => number): number {
  return Math.floor(MIN_WATCH_TIMEOUT_SECONDS * (1 + random()));
}

/** Upstream's informers resync every 10 hours by default. */
export const DEFAULT_RESYNC_SECONDS = 10 * 60 * 60;

export interface WatchedCollectionOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  /** For log lines: e.g. "pods default". */
  what: string;
  /** The collection's API path (the watch adds ?watch=true). */
  path: string;
  list: () => Promise<CheckedList>;
  labelSelector?: string | undefined;
  /** e.g. `metadata.name=config-autoscaler`: one object, which RBAC's resourceNames can then grant. */
  fieldSelector?: string | undefined;
  resyncSeconds: number;
  /** Uniform in [0, 1): the backoff's jitter and each watch's timeoutSeconds. */
  random: () => number;
  /** Called after every change (a list or an event). */
  onChange: () => void;
  /**
   * Called with the object of every add, update or delete, and which it was, as client-go's
   * event handlers are: also for each object a relist (resync, 410) finds, and each one it no
   * longer finds (a delete).
   */
  onEvent?: ((obj: unknown, type: WatchEventType) => void) | undefined;
  /**
   * A list or watch failure for which this returns true ends the run instead of a restart
   * after the backoff (the caller reports it): e.g. a 403, which no retry will cure.
   */
  givesUp?: ((err: unknown) => boolean) | undefined;
  /**
   * A list or watch failure for which this returns true is retried after the backoff like any
   * other, but without a log line each time: the caller reported it once (see its start).
   */
  retriesQuietly?: ((err: unknown) => boolean) | undefined;
}

export type WatchEventType = 'add' | 'update' | 'delete';

type Obj = k8s.KubernetesObject;

const objectKey = (o: Obj): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** A watch the server did not end by its timeoutSeconds (and the margin): the connection is dead. */
export class WatchDeadError extends Error {
  override readonly name = 'WatchDead';
}

/** A watch ended by 410 Gone: its resourceVersion is too old, so the collection is listed again. */
export class WatchExpiredError extends Error {
  override readonly name = 'WatchExpired';
}

/**
 * Whether a failed watch is retried with a list first: one the API server answered with an
 * error status (a 500, a 503 of an overloaded server, …), as client-go's reflector then ends
 * its ListAndWatch and, after its backoff, runs it again from the list. A 429 rewatches (the
 * reflector retries that watch alone), as does a failure with no status (a dropped stream, a
 * refused connection, credentials that failed), which the reflector takes for a watch to reopen
 * from the resourceVersion it has. So a collection whose watch keeps being refused is still
 * read at each retry (config-autoscaler, say, taken as current) whenever its list is answered.
 */
export function relistsAfter(e: unknown): boolean {
  const code = (e as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof code === 'number' && code >= 400 && code !== 429 && code !== 410;
}

/** An HTTP error or a watch event's Status with code 410. */
function isGone(e: unknown): boolean {
  const x = e as { statusCode?: unknown; code?: unknown } | null | undefined;
  return x?.statusCode === 410 || x?.code === 410;
}

/**
 * client-node's Watch rejects, instead of calling `done`, when the request cannot be made
 * (credentials from an exec plugin or token file that fail to refresh). ListWatch starts a
 * rewatch from its `done` callback without awaiting it, so that rejection went unhandled,
 * which ends node 20 with a stack trace, and left the informer silently without a watch.
 * Here it is reported through `done` like any failed watch.
 *
 * A 410 Gone, as an HTTP status or as an ERROR event before the server ends the watch, is
 * reported as a {@link WatchExpiredError}: ListWatch would relist at once, client-go's
 * reflector waits on its backoff first (a server that keeps answering 410 is not hammered).
 */
class GuardedWatch extends k8s.Watch {
  constructor(
    config: k8s.KubeConfig,
    private readonly clock: Clock,
    private readonly random: () => number,
    /** The informer's run: once it stops, no watch timer may keep the process alive. */
    private readonly stopped: AbortSignal,
  ) {
    super(config);
  }

  /**
   * Opens the watch with a timeoutSeconds as client-go's; if it has not ended
   * WATCH_DEAD_AFTER_SECONDS after that (on the injected clock), it is reported failed and
   * aborted, and anything the abandoned connection still delivers is dropped.
   */
  override async watch(...args: Parameters<k8s.Watch['watch']>): Promise<AbortController> {
    const [path, query, callback, done] = args;
    const timeoutSeconds = watchTimeoutSeconds(this.random);
    const limit = timeoutSeconds + WATCH_DEAD_AFTER_SECONDS;
    let finished = false;
    const deadline = new AbortController();
    // A watch still connecting when its informer stops is never handed its controller to abort:
    // end it here (its connection is closed if it opens later) so no timer outlives the run.
    let stop: () => void = () => undefined;
    const onStop = (): void => {
      finished = true;
      deadline.abort();
      stop();
    };
    this.stopped.addEventListener('abort', onStop, { once: true });
    deadline.signal.addEventListener('abort', () => this.stopped.removeEventListener('abort', onStop), { once: true });
    let gone: string | undefined;
    const onEvent: typeof callback = (phase, obj, watchObj) => {
      if (finished) return;
      if (phase === 'ERROR' && isGone(obj)) gone = String((obj as { message?: unknown }).message ?? 'resourceVersion too old');
      callback(phase, obj, watchObj);
    };
    const onDone: typeof done = (err: unknown) => {
      if (finished) return;
      finished = true;
      deadline.abort();
      if (isGone(err)) done(new WatchExpiredError(`410 Gone: ${err instanceof Error ? err.message : 'resourceVersion too old'}`));
      else if (err == null && gone !== undefined) done(new WatchExpiredError(`410 Gone: ${gone}`));
      else done(err);
    };
    const request = super.watch(path, { ...query, timeoutSeconds }, onEvent, onDone).then(
      (c) => {
        // Stopped by its informer (or given up on before it answered): no timer left behind.
        if (finished) c.abort();
        else c.signal.addEventListener('abort', () => deadline.abort(), { once: true });
        return c;
      },
      (e: unknown) => {
        onDone(e ?? new Error('watch failed'));
        return new AbortController();
      },
    );
    const givenUp = new Promise<AbortController>((resolve) => {
      stop = () => resolve(new AbortController());
      if (this.stopped.aborted) onStop();
      void this.clock.sleep(limit, deadline.signal).then(() => {
        // Cut short (the watch ended, or was stopped): not a dead connection.
        if (finished || deadline.signal.aborted) return;
        onDone(new WatchDeadError(`the server had not ended the watch ${WATCH_DEAD_AFTER_SECONDS} s after its timeoutSeconds=${timeoutSeconds}: the connection is taken for dead`));
        resolve(new AbortController());
      });
    });
    return Promise.race([request, givenUp]);
  }
}

export class WatchedCollection {
  private informer: (k8s.Informer<Obj> & k8s.ObjectCache<Obj>) | undefined;
  private readonly backoff: ReflectorBackoff;
  /**
   * The informer whose cache serves reads: the last one whose list succeeded (the current one,
   * or, while a fresh one's list keeps failing, the one before). Undefined before the first
   * good list and once the run has ended.
   */
  private served: (k8s.Informer<Obj> & k8s.ObjectCache<Obj>) | undefined;
  private failure: unknown;
  /** A resync's new informer while its list is under way, and why that list failed. */
  private relisting: (k8s.Informer<Obj> & k8s.ObjectCache<Obj>) | undefined;
  private relistFailure: unknown;
  /** The watch ended with 410 Gone: list again (after the backoff). */
  private expired = false;
  private wake: (() => void) | undefined;
  /** The signal of the run under way (informers are made only inside it). */
  private stopped: AbortSignal = AbortSignal.abort();
  /** Each informer's good lists: a start whose list was answered but whose watch failed still has a cache to serve. */
  private readonly lists = new WeakMap<object, number>();

  constructor(private readonly o: WatchedCollectionOptions) {
    this.backoff = new ReflectorBackoff(monotonicSeconds(o.clock), o.random);
  }

  /** Whether there is a cache to read: a list has succeeded (a watch failing since leaves it as last seen). */
  get synced(): boolean {
    return this.served !== undefined;
  }

  /** The objects as last seen (raw API objects). */
  items(): unknown[] {
    return [...(this.served?.list() ?? [])];
  }

  private make(): k8s.Informer<Obj> & k8s.ObjectCache<Obj> {
    const listFn = async (): Promise<k8s.KubernetesListObject<Obj>> => {
      const list = await this.o.list();
      this.lists.set(inf, (this.lists.get(inf) ?? 0) + 1);
      return list as unknown as k8s.KubernetesListObject<Obj>;
    };
    // listFn runs only once `inf` is made (at its start).
    const inf = new k8s.ListWatch<Obj>(this.o.path, new GuardedWatch(this.o.kube.config, this.o.clock, this.o.random, this.stopped), listFn, false, this.o.labelSelector, this.o.fieldSelector);
    const current = (): boolean => this.informer === inf;
    const changed = (type: WatchEventType) => (obj: Obj): void => {
      // A relist's objects are events too (client-go delivers each as an add or update).
      if (current() || this.relisting === inf) this.o.onEvent?.(obj, type);
      if (current()) this.o.onChange();
    };
    inf.on('add', changed('add'));
    inf.on('update', changed('update'));
    inf.on('delete', changed('delete'));
    inf.on('error', (err: unknown) => {
      if (err instanceof WatchExpiredError) {
        // Not a failure: the cache as last seen serves reads until the relist (client-go's stays synced).
        if (this.relisting === inf || current()) {
          this.expired = true;
          this.wake?.();
        }
        return;
      }
      if (this.relisting === inf) {
        this.relistFailure = err ?? new Error('list failed');
        return;
      }
      if (!current()) return;
      this.failure = err ?? new Error('watch failed');
      this.wake?.();
    });
    return inf;
  }

  /**
   * Starts a fresh informer (a full list); false if the list failed. At a resync the old
   * informer serves reads until the new list is in, as client-go's reflector replaces its
   * store only then: reads never see an empty or unsynced cache because of a resync.
   */
  private async startFresh(): Promise<boolean> {
    const old = this.informer;
    if (old === undefined) {
      this.informer = this.make();
      return this.restart();
    }
    const next = this.make();
    this.relisting = next;
    this.relistFailure = undefined;
    await next.start();
    this.relisting = undefined;
    this.informer = next;
    await old.stop();
    this.failure = this.relistFailure;
    // No new list: the old cache serves on while the new informer is restarted after a backoff.
    // A list answered whose watch then failed replaces the cache all the same (client-go's reflector
    // stores a list before it watches), and the watch is retried after the backoff.
    if (this.failure !== undefined && this.lists.get(next) === undefined) return false;
    this.serve(next);
    return this.failure === undefined;
  }

  /** `next`'s list replaces the cache served: what it no longer has was deleted meanwhile (client-go's Replace reports it so). */
  private serve(next: k8s.Informer<Obj> & k8s.ObjectCache<Obj>): void {
    if (this.served !== undefined && this.served !== next) {
      const listed = new Set(next.list().map(objectKey));
      for (const o of this.served.list()) if (!listed.has(objectKey(o))) this.o.onEvent?.(o, 'delete');
    }
    this.served = next;
    this.o.onChange();
  }

  /** (Re)starts the current informer: a list if it has no resourceVersion (or had a 410), then a watch. */
  private async restart(): Promise<boolean> {
    this.failure = undefined;
    const inf = this.informer;
    const before = inf === undefined ? 0 : (this.lists.get(inf) ?? 0);
    await inf?.start();
    // A list answered before the watch failed is served, as in `startFresh`.
    const listed = inf !== undefined && (this.lists.get(inf) ?? 0) > before;
    if (this.failure !== undefined && !listed) return false;
    // After a failed relist the old cache was still served: this list replaces it.
    if (inf !== undefined) this.serve(inf);
    return this.failure === undefined;
  }

  /** Runs until `signal` aborts. Resolves once the first list has been tried (`started`). */
  async run(signal: AbortSignal, started?: () => void): Promise<void> {
    const { clock, logger } = this.o;
    this.stopped = signal;
    let ok = await this.startFresh();
    started?.();
    let resyncAt = clock.now() + this.o.resyncSeconds;
    while (!signal.aborted) {
      if (!ok || this.failure !== undefined) {
        if (this.failure !== undefined && this.o.givesUp?.(this.failure) === true) break;
        const delay = this.backoff.next(monotonicSeconds(clock));
        if (this.o.retriesQuietly?.(this.failure) !== true) {
          logger.warn(`watch ${this.o.what} failed; restarting`, { reason: describeError(this.failure), retryInSeconds: Math.round(delay * 1000) / 1000 });
        }
        const relist = relistsAfter(this.failure);
        this.failure = undefined;
        await clock.sleep(delay, signal);
        if (signal.aborted) break;
        // A fresh list (the old cache serving until it is in), or a rewatch from the resourceVersion held.
        ok = relist ? await this.startFresh() : await this.restart();
        continue;
      }
      if (this.expired) {
        this.expired = false;
        const delay = this.backoff.next(monotonicSeconds(clock));
        logger.info(`watch ${this.o.what} expired (410 Gone); listing again`, { retryInSeconds: Math.round(delay * 1000) / 1000 });
        await clock.sleep(delay, signal);
        if (signal.aborted) break;
        ok = await this.startFresh();
        continue;
      }
      // Sleep until the resync is due or the informer reports an error.
      const stopSleep = new AbortController();
      const onAbort = (): void => stopSleep.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = onAbort;
      await clock.sleep(Math.max(0, resyncAt - clock.now()), stopSleep.signal);
      this.wake = undefined;
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) break;
      if (this.failure !== undefined || this.expired) continue;
      if (clock.now() >= resyncAt) {
        resyncAt = clock.now() + this.o.resyncSeconds;
        ok = await this.startFresh();
      }
    }
    this.served = undefined;
    await this.informer?.stop();
  }
}
