/**
 * A fake Kubernetes API server on 127.0.0.1 for the adapter tests: just the resources the
 * controller and the rollout driver use, with resourceVersion preconditions (409), the
 * content types a real apiserver insists on, injectable faults, and a log of every
 * request (method, path, query, content type, body, which replica sent it).
 *
 * Like a real apiserver it gives objects a uid and a metadata.generation that moves with
 * their spec, and serves a `status` subresource for the Knative CRDs (PodAutoscalers,
 * ServerlessServices): status changes only through it, spec only through the object.
 * With `sksReconciler` on (the default) it also plays Knative's ServerlessService
 * reconciler: before answering any request it sets each SKS's status from its spec and the
 * revision's ready pods (service names, Ready = some pod ready, ActivatorEndpointsPopulated
 * = Proxy mode or no pod ready), so a created SKS gets its status one request later.
 *
 * Lists can be watched (`?watch=true&resourceVersion=N`): newline-delimited JSON events
 * (ADDED / MODIFIED / DELETED with the object) after N from a history the server keeps;
 * a resourceVersion older than the history gets an ERROR event with a 410 Status (Gone),
 * after which a client relists. A watch's `timeoutSeconds` ends it on the test clock, as an
 * apiserver does. Tests can expire the history and end, drop or silently stall the watches.
 * Lists and watches take a label selector and the field selector `metadata.name=<name>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../../src/adapter/kube.js';

/**
 * Request timeout of the tests' clients. This server answers in milliseconds, but on a busy
 * machine a request can wait a while for a core, and a spurious timeout would change what the
 * controller does. 5 s also keeps renew deadline + timeout within the tests' leases (10 + 5 ≤ 15).
 */
export const REQUEST_TIMEOUT_SECONDS = 5;

/**
 * For tests of a `hang-after` fault, where the client's timeout is what ends the request:
 * short so the test stays quick; every other request still answers in milliseconds.
 */
export const HANG_TIMEOUT_SECONDS = 1;

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  accept: string | undefined;
  body: unknown;
  /** The bearer token: which replica sent it. */
  token: string;
  /** The response status (0: none sent — dropped or hung). */
  status: number;
  /** For lease-guarded checks: who held the lease (per the server's copy) when this arrived. */
  leaseHolder: string;
  /** A write that took effect (even if its answer was then lost). */
  applied: boolean;
  /** The test clock's time when the request arrived (set by `clock`). */
  time: number;
}

export type Fault =
  | { kind: 'status'; status: number; message?: string }
  /** Do the request, then close the connection without answering (the answer is lost). */
  | { kind: 'drop-after' }
  /** Close the connection without doing anything. */
  | { kind: 'drop-before' }
  /** Do the request, then never answer (the client times out); a watch never sends its headers. */
  | { kind: 'hang-after' }
  /**
   * Do the request (its watch events go out at once), then hold the answer until
   * `releaseReplies()`: the writer sees its own write's event before the write's reply.
   */
  | { kind: 'hold-reply' };

interface FaultRule {
  match: (method: string, path: string, token: string) => boolean;
  fault: Fault;
  times: number;
}

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

interface WatchEvent {
  coll: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
  rv: number;
}

interface Watcher {
  coll: string;
  selector: string | null;
  /** `metadata.name=<name>` (the only field selector served): just that object. */
  name: string | null;
  res: http.ServerResponse;
  stalled?: boolean;
}

const MERGE = 'application/merge-patch+json';
/** Resources whose status is only written through the status subresource. */
const STATUS_SUBRESOURCE = new Set(['podautoscalers', 'serverlessservices']);

function isoSeconds(t: number): string {
  return new Date(Math.floor(t) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function labelsMatch(obj: Obj, selector: string | null): boolean {
  if (!selector) return true;
  const labels = (obj.metadata['labels'] ?? {}) as Record<string, string>;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    if (k === undefined) return true;
    return v === undefined ? k in labels : labels[k] === v;
  });
}

/** The object name a `metadata.name=<name>` field selector asks for (null: no field selector). @throws for any other. */
function fieldName(selector: string | null): string | null {
  if (!selector) return null;
  const m = /^metadata\.name=([^,]+)$/.exec(selector);
  if (!m) throw new Error(`fake API server: unsupported field selector ${selector}`);
  return m[1]!;
}

const nameMatches = (obj: Obj, name: string | null): boolean => name === null || obj.metadata['name'] === name;

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeKube {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private port = 0;
  private rv = 100;
  private seq = 0;
  private faults: FaultRule[] = [];
  /** Collections by key `<group-version-path>/<ns>/<plural>` → name → object. */
  private readonly store = new Map<string, Map<string, Obj>>();
  /** Optional hook run on every request before routing. */
  onRequest: ((r: RecordedRequest) => void) | undefined;
  /** Stamps each request's `time`; with `sleep`, ends watches at their timeoutSeconds. */
  clock: { now(): number; sleep?(seconds: number, signal?: AbortSignal): Promise<void> } | undefined;

  /** Every change, for watches that start from an older resourceVersion (since `oldestRv`). */
  private history: WatchEvent[] = [];
  private oldestRv = 0;
  private readonly watchers = new Set<Watcher>();

  /** Open watches (optionally of one plural). */
  watchCount(plural?: string): number {
    return [...this.watchers].filter((w) => plural === undefined || w.coll.endsWith(`/${plural}`)).length;
  }

  /** Forgets the event history and ends every watch: a client that rewatches from its resourceVersion gets 410 Gone. */
  expireWatchHistory(): void {
    this.history = [];
    this.oldestRv = this.rv + 1;
    for (const w of [...this.watchers]) w.res.end();
    this.watchers.clear();
  }

  /** Drops every watch's connection without ending it (a network failure). */
  dropWatches(): void {
    for (const w of [...this.watchers]) w.res.socket?.destroy();
    this.watchers.clear();
  }

  /**
   * Every open watch goes silent with its connection left open, as behind a dropped NAT entry:
   * no events, no end at its timeoutSeconds, nothing the client can notice but the silence.
   */
  stallWatches(): void {
    for (const w of [...this.watchers]) w.stalled = true;
    this.watchers.clear();
  }

  /** A GET list reads like lists not watches. */
  static isList(r: RecordedRequest): boolean {
    return r.method === 'GET' && r.query.get('watch') !== 'true' && /\/namespaces\/[^/]+\/[^/]+$/.test(r.path);
  }

  private emitEvent(prefix: string, ns: string, plural: string, type: WatchEvent['type'], object: Obj): void {
    const ev: WatchEvent = { coll: `${prefix}/${ns}/${plural}`, type, object, rv: Number(object.metadata['resourceVersion'] ?? this.rv) };
    this.history.push(ev);
    for (const w of this.watchers) if (w.coll === ev.coll && labelsMatch(object, w.selector) && nameMatches(object, w.name)) w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  private serveWatch(r: RecordedRequest, res: http.ServerResponse, coll: string): void {
    const selector = r.query.get('labelSelector');
    const name = fieldName(r.query.get('fieldSelector'));
    const from = Number(r.query.get('resourceVersion') ?? '0') || 0;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // The client waits for the headers before it reads events.
    res.flushHeaders();
    r.status = 200;
    if (from > 0 && from < this.oldestRv) {
      const gone = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 };
      res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
      return;
    }
    for (const ev of this.history) if (ev.coll === coll && ev.rv > from && labelsMatch(ev.object, selector) && nameMatches(ev.object, name)) res.write(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
    const w: Watcher = { coll, selector, name, res };
    this.watchers.add(w);
    const closed = new AbortController();
    res.on('close', () => {
      this.watchers.delete(w);
      closed.abort();
    });
    const timeout = Number(r.query.get('timeoutSeconds') ?? '0');
    if (timeout > 0 && this.clock?.sleep) {
      void this.clock.sleep(timeout, closed.signal).then(() => {
        if (closed.signal.aborted || w.stalled) return;
        this.watchers.delete(w);
        res.end();
      });
    }
  }

  /** Removes every pending fault. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Answers held by `hold-reply` faults, in arrival order. */
  private held: Array<() => void> = [];

  /** Requests done whose answers a `hold-reply` fault holds. */
  get heldReplies(): number {
    return this.held.length;
  }

  /** Sends every held answer. */
  releaseReplies(): void {
    const held = this.held;
    this.held = [];
    for (const send of held) send();
  }

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A KubeConfig for this server; `token` identifies the replica in the log. */
  kubeConfig(token = 'replica-a'): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: token, token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: token, namespace: 'default' }],
      currentContext: 'fake',
    });
    return kc;
  }

  clients(token = 'replica-a', timeoutSeconds = REQUEST_TIMEOUT_SECONDS): KubeClients {
    return makeKubeClients(this.kubeConfig(token), timeoutSeconds);
  }

  /** Kubeconfig YAML (for the CLI). */
  kubeconfigYaml(token = 'replica-a'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
      'users:',
      `- name: u\n  user:\n    token: ${token}`,
      'contexts:',
      '- name: fake\n  context:\n    cluster: fake\n    user: u\n    namespace: default',
      'current-context: fake',
      '',
    ].join('\n');
  }

  // ---- state ----

  private coll(prefix: string, ns: string, plural: string): Map<string, Obj> {
    const k = `${prefix}/${ns}/${plural}`;
    let c = this.store.get(k);
    if (!c) {
      c = new Map();
      this.store.set(k, c);
    }
    return c;
  }

  private uid = 0;

  /**
   * Stores `obj` as a create or an update: a new resourceVersion; the uid kept (or assigned
   * on create); generation 1 on create, +1 whenever the spec changes.
   */
  put(prefix: string, ns: string, plural: string, obj: Obj): Obj {
    const name = String(obj.metadata['name']);
    const prev = this.coll(prefix, ns, plural).get(name);
    const prevGen = typeof prev?.metadata['generation'] === 'number' ? prev.metadata['generation'] : undefined;
    const generation = prev === undefined ? (obj.metadata['generation'] ?? 1) : JSON.stringify(prev['spec']) === JSON.stringify(obj['spec']) ? (prevGen ?? 1) : (prevGen ?? 1) + 1;
    const stored: Obj = {
      ...obj,
      metadata: {
        ...obj.metadata,
        namespace: ns,
        uid: prev?.metadata['uid'] ?? obj.metadata['uid'] ?? `uid-${++this.uid}`,
        generation,
        resourceVersion: String(++this.rv),
      },
    };
    this.coll(prefix, ns, plural).set(name, stored);
    this.emitEvent(prefix, ns, plural, prev === undefined ? 'ADDED' : 'MODIFIED', stored);
    return stored;
  }

  get(prefix: string, ns: string, plural: string, name: string): Obj | undefined {
    return this.coll(prefix, ns, plural).get(name);
  }

  delete(prefix: string, ns: string, plural: string, name: string): void {
    const prev = this.coll(prefix, ns, plural).get(name);
    this.coll(prefix, ns, plural).delete(name);
    if (prev) this.emitEvent(prefix, ns, plural, 'DELETED', { ...prev, metadata: { ...prev.metadata, resourceVersion: String(++this.rv) } });
  }

  // Convenience for the controller's objects.
  static readonly CORE = 'api/v1';
  static readonly APPS = 'apis/apps/v1';
  static readonly SERVING = 'apis/serving.knative.dev/v1';
  static readonly PA = 'apis/autoscaling.internal.knative.dev/v1alpha1';
  static readonly COORD = 'apis/coordination.k8s.io/v1';
  static readonly NET = 'apis/networking.internal.knative.dev/v1alpha1';

  /** Play Knative's SKS reconciler (see the file comment). */
  sksReconciler = true;

  addRevision(ns: string, name: string, o: { annotations?: Record<string, string>; cc?: number; service?: string; generation?: number; ready?: boolean; created?: string }): void {
    this.put(FakeKube.SERVING, ns, 'revisions', {
      metadata: {
        name,
        annotations: o.annotations ?? {},
        creationTimestamp: o.created ?? '2020-01-01T00:00:00Z',
        labels: {
          'serving.knative.dev/service': o.service ?? name.replace(/-\d+$/, ''),
          'serving.knative.dev/configuration': o.service ?? name.replace(/-\d+$/, ''),
          'serving.knative.dev/configurationGeneration': String(o.generation ?? 1),
        },
      },
      spec: { containerConcurrency: o.cc ?? 0 },
      status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
    });
  }

  addPod(ns: string, name: string, revision: string, o: { ip?: string; ready?: boolean; phase?: string; startTime?: string; terminating?: boolean } = {}): void {
    this.put(FakeKube.CORE, ns, 'pods', {
      metadata: {
        name,
        labels: { 'serving.knative.dev/revision': revision },
        ...(o.terminating ? { deletionTimestamp: '2020-01-01T00:00:00Z' } : {}),
      },
      status: {
        phase: o.phase ?? 'Running',
        podIP: o.ip ?? '127.0.0.1',
        startTime: o.startTime ?? '2020-01-01T00:00:00Z',
        conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      },
    });
  }

  setDeployment(ns: string, name: string, replicas: number): void {
    this.put(FakeKube.APPS, ns, 'deployments', { metadata: { name }, spec: { replicas } });
  }

  replicas(ns: string, name: string): number | undefined {
    return (this.get(FakeKube.APPS, ns, 'deployments', name)?.['spec'] as { replicas?: number } | undefined)?.replicas;
  }

  setPodAutoscaler(ns: string, name: string, o: { desired?: number; actual?: number; reachable?: boolean; annotations?: Record<string, string> }): void {
    this.put(FakeKube.PA, ns, 'podautoscalers', {
      metadata: {
        name,
        labels: { 'serving.knative.dev/revision': name, 'serving.knative.dev/service': name.replace(/-\d+$/, '') },
        annotations: o.annotations ?? {},
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-deployment` },
        reachability: o.reachable === false ? 'Unreachable' : 'Reachable',
        protocolType: 'http1',
      },
      status: { ...(o.desired !== undefined ? { desiredScale: o.desired } : {}), ...(o.actual !== undefined ? { actualScale: o.actual } : {}) },
    });
  }

  podAutoscaler(ns: string, name: string): Obj | undefined {
    return this.get(FakeKube.PA, ns, 'podautoscalers', name);
  }

  serverlessServices(ns: string): Obj[] {
    return [...this.coll(FakeKube.NET, ns, 'serverlessservices').values()];
  }

  /** Ready pods of a revision, as the endpoints controller would count them. */
  readyPods(ns: string, revision: string): number {
    let n = 0;
    for (const p of this.coll(FakeKube.CORE, ns, 'pods').values()) {
      const labels = (p.metadata['labels'] ?? {}) as Record<string, string>;
      const st = p['status'] as { phase?: string; conditions?: Array<{ type: string; status: string }> } | undefined;
      if (labels['serving.knative.dev/revision'] !== revision || p.metadata['deletionTimestamp'] !== undefined) continue;
      if (st?.phase === 'Running' && st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) n++;
    }
    return n;
  }

  /** One round of the fake SKS reconciler over every ServerlessService. */
  reconcileServerlessServices(): void {
    for (const [k, coll] of this.store) {
      if (!k.startsWith(`${FakeKube.NET}/`) || !k.endsWith('/serverlessservices')) continue;
      const ns = k.slice(FakeKube.NET.length + 1, -'/serverlessservices'.length);
      for (const sks of [...coll.values()]) {
        const name = String(sks.metadata['name']);
        const mode = (sks['spec'] as { mode?: string } | undefined)?.mode;
        const ready = this.readyPods(ns, name);
        const old = (sks['status'] ?? {}) as { conditions?: Array<Record<string, string>> };
        const now = isoSeconds(this.clock?.now() ?? Date.now() / 1000);
        const cond = (type: string, status: string, extra: Record<string, string> = {}): Record<string, string> => {
          const prev = old.conditions?.find((c) => c.type === type);
          return { type, status, ...extra, lastTransitionTime: prev?.['status'] === status ? (prev['lastTransitionTime'] ?? now) : now };
        };
        const endpoints = ready > 0 ? 'True' : 'Unknown';
        const why = ready > 0 ? {} : { reason: 'NoHealthyBackends', message: 'no ready pods' };
        const status = {
          observedGeneration: sks.metadata['generation'],
          serviceName: name,
          privateServiceName: `${name}-private`,
          conditions: [
            cond('ActivatorEndpointsPopulated', ready === 0 || mode === 'Proxy' ? 'True' : 'False', { severity: 'Info', reason: 'ActivatorEndpointsPopulated' }),
            cond('EndpointsPopulated', endpoints, why),
            cond('Ready', endpoints, why),
          ],
        };
        if (JSON.stringify(status) === JSON.stringify(sks['status'])) continue;
        const stored = { ...sks, status };
        stored.metadata = { ...sks.metadata, resourceVersion: String(++this.rv) };
        coll.set(name, stored);
        this.emitEvent(FakeKube.NET, ns, 'serverlessservices', 'MODIFIED', stored);
      }
    }
  }

  leaseHolder(ns: string, name: string): string {
    return String((this.get(FakeKube.COORD, ns, 'leases', name)?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
  }

  /** Injects `fault` for the next `times` requests matching. */
  fault(match: { method?: string; path?: string | RegExp; token?: string }, fault: Fault, times = 1): void {
    this.faults.push({
      match: (m, p, t) =>
        (match.token === undefined || match.token === t) &&
        (match.method === undefined || match.method === m) &&
        (match.path === undefined || (typeof match.path === 'string' ? p === match.path : match.path.test(p))),
      fault,
      times,
    });
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  /** The lease namespace/name whose holder is stamped on each request. */
  leaseWatch: { ns: string; name: string } | undefined;

  // ---- HTTP ----

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const rec: RecordedRequest = {
        seq: ++this.seq,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        accept: req.headers['accept'],
        body,
        token: (req.headers['authorization'] ?? '').replace(/^Bearer /, ''),
        status: 0,
        leaseHolder: this.leaseWatch ? this.leaseHolder(this.leaseWatch.ns, this.leaseWatch.name) : '',
        applied: false,
        time: this.clock?.now() ?? 0,
      };
      this.requests.push(rec);
      this.onRequest?.(rec);
      if (this.sksReconciler) this.reconcileServerlessServices();
      const rule = this.faults.find((f) => f.times > 0 && f.match(rec.method, rec.path, rec.token));
      if (rule) rule.times--;
      const fault = rule?.fault;
      if (fault?.kind === 'drop-before') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        rec.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(status(fault.status, fault.status === 409 ? 'Conflict' : 'InternalError', fault.message ?? 'injected fault'));
        return;
      }
      const watch = rec.method === 'GET' && rec.query.get('watch') === 'true' ? /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)$/.exec(rec.path) : null;
      if (watch) {
        // A watch that hangs never sends its headers: the client is still connecting.
        if (fault?.kind === 'hang-after') return;
        this.serveWatch(rec, res, `${watch[1]}/${watch[2]}/${watch[3]}`);
        return;
      }
      const [code, out] = this.route(rec);
      rec.applied = rec.method !== 'GET' && code >= 200 && code < 300;
      if (fault?.kind === 'drop-after') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'hang-after') return;
      const reply = (): void => {
        rec.status = code;
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(out);
      };
      if (fault?.kind === 'hold-reply') this.held.push(reply);
      else reply();
    });
  }

  private route(r: RecordedRequest): [number, string] {
    // /api/v1/namespaces/{ns}/{plural}[/{name}[/{sub}]] or /apis/{g}/{v}/namespaces/...
    const m = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(r.path);
    if (!m) return [404, status(404, 'NotFound', `no route ${r.path}`)];
    const [, prefix, ns, plural, name, sub] = m as unknown as [string, string, string, string, string | undefined, string | undefined];
    const coll = this.coll(prefix, ns, plural);
    if (r.method === 'GET' && name === undefined) {
      const only = fieldName(r.query.get('fieldSelector'));
      const items = [...coll.values()].filter((o) => labelsMatch(o, r.query.get('labelSelector')) && nameMatches(o, only));
      return [200, JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items })];
    }
    if (r.method === 'POST' && name === undefined) {
      const obj = r.body as Obj;
      const n = String(obj?.metadata?.['name'] ?? '');
      if (coll.has(n)) return [409, status(409, 'AlreadyExists', `${plural} "${n}" already exists`)];
      const { status: _ignored, ...rest } = obj;
      return [201, JSON.stringify(this.put(prefix, ns, plural, (STATUS_SUBRESOURCE.has(plural) ? rest : obj) as Obj))];
    }
    if (name === undefined) return [405, status(405, 'MethodNotAllowed', r.method)];
    const existing = coll.get(name);
    if (sub === 'scale') {
      if (plural !== 'deployments') return [404, status(404, 'NotFound', r.path)];
      if (!existing) return [404, status(404, 'NotFound', `deployments "${name}" not found`)];
      const scale = () => ({
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name, namespace: ns, resourceVersion: existing.metadata['resourceVersion'] },
        spec: { replicas: (existing['spec'] as { replicas: number }).replicas },
      });
      if (r.method === 'GET') return [200, JSON.stringify(scale())];
      if (r.method === 'PATCH') {
        if (r.contentType !== MERGE) return [415, status(415, 'UnsupportedMediaType', `content type ${r.contentType}`)];
        const p = r.body as { metadata?: { resourceVersion?: string }; spec?: { replicas?: number } };
        const want = p?.metadata?.resourceVersion;
        if (want !== undefined && want !== existing.metadata['resourceVersion']) {
          return [409, status(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again')];
        }
        const replicas = p?.spec?.replicas;
        if (typeof replicas !== 'number') return [422, status(422, 'Invalid', 'spec.replicas required')];
        const stored = this.put(prefix, ns, plural, { ...existing, spec: { ...(existing['spec'] as object), replicas } });
        coll.set(name, stored);
        return [200, JSON.stringify({ ...scale(), metadata: { name, namespace: ns, resourceVersion: stored.metadata['resourceVersion'] }, spec: { replicas } })];
      }
      return [405, status(405, 'MethodNotAllowed', r.method)];
    }
    if (sub === 'status' && STATUS_SUBRESOURCE.has(plural)) {
      if (!existing) return [404, status(404, 'NotFound', `${plural} "${name}" not found`)];
      if (r.method === 'GET') return [200, JSON.stringify(existing)];
      if (r.method !== 'PATCH') return [405, status(405, 'MethodNotAllowed', r.method)];
      if (r.contentType !== MERGE) return [415, status(415, 'UnsupportedMediaType', `content type ${r.contentType}`)];
      const p = r.body as { metadata?: { resourceVersion?: string }; status?: unknown };
      const want = p?.metadata?.resourceVersion;
      if (want !== undefined && want !== existing.metadata['resourceVersion']) return [409, status(409, 'Conflict', 'the object has been modified')];
      // Only the status changes through the status subresource.
      const next = { ...existing, status: mergePatch(existing['status'], p?.status ?? {}) } as Obj;
      return [200, JSON.stringify(this.put(prefix, ns, plural, next))];
    }
    if (sub !== undefined) return [404, status(404, 'NotFound', r.path)];
    if (r.method === 'GET') {
      if (!existing) return [404, status(404, 'NotFound', `${plural} "${name}" not found`)];
      return [200, JSON.stringify(existing)];
    }
    if (r.method === 'PUT') {
      if (!existing) return [404, status(404, 'NotFound', `${plural} "${name}" not found`)];
      if (r.contentType !== 'application/json') return [415, status(415, 'UnsupportedMediaType', `content type ${r.contentType}`)];
      const obj = r.body as Obj;
      if (obj?.metadata?.['resourceVersion'] !== existing.metadata['resourceVersion']) {
        return [409, status(409, 'Conflict', 'the object has been modified')];
      }
      const next = STATUS_SUBRESOURCE.has(plural) ? ({ ...obj, status: existing['status'] } as Obj) : obj;
      return [200, JSON.stringify(this.put(prefix, ns, plural, next))];
    }
    if (r.method === 'PATCH') {
      if (!existing) return [404, status(404, 'NotFound', `${plural} "${name}" not found`)];
      // Custom resources take merge patch (not strategic merge); the rest is not needed here.
      if (r.contentType !== MERGE) return [415, status(415, 'UnsupportedMediaType', `content type ${r.contentType}`)];
      const p = r.body as { metadata?: { resourceVersion?: string } };
      const want = p?.metadata?.resourceVersion;
      if (want !== undefined && want !== existing.metadata['resourceVersion']) return [409, status(409, 'Conflict', 'the object has been modified')];
      const merged = mergePatch(existing, r.body) as Obj;
      // The status of a resource with a status subresource does not change here.
      if (STATUS_SUBRESOURCE.has(plural)) merged['status'] = existing['status'];
      return [200, JSON.stringify(this.put(prefix, ns, plural, merged))];
    }
    return [405, status(405, 'MethodNotAllowed', r.method)];
  }
}
