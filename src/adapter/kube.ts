/**
 * Kubernetes API access for the adapter: loading a kubeconfig (or the in-cluster service
 * account), the typed clients it uses, per-request timeouts and patch content types, and
 * classifying API errors (conflict, not found, worth retrying).
 */
import { closeSync, constants, existsSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ResponseShapeError } from './response-shape.js';

export interface KubeConfigOptions {
  /** Path of a kubeconfig file; otherwise $KUBECONFIG, ~/.kube/config, then the in-cluster account. */
  kubeconfig?: string | undefined;
  /** Context to use instead of the kubeconfig's current one. */
  context?: string | undefined;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST and the mounted token). */
  inCluster?: boolean | undefined;
}

/** Where a pod's service account token is mounted (what client-node's default loading looks for). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Whether client-node's default loading finds anything: $KUBECONFIG, $HOME/.kube/config, or a
 * mounted service account. With none of them it quietly falls back to http://localhost:8080,
 * and the first request then fails with a TLS message that names none of the three.
 */
export function defaultKubeconfigFound(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): boolean {
  if (env['KUBECONFIG'] !== undefined && env['KUBECONFIG'] !== '') return true;
  const home = env['HOME'];
  if (home !== undefined && home !== '' && exists(join(home, '.kube', 'config'))) return true;
  return exists(SERVICE_ACCOUNT_TOKEN);
}

/**
 * The largest kubeconfig knsim reads. client-node (like client-go) reads the whole file with
 * no limit, so /dev/zero or a huge file would fill memory; real kubeconfigs, even with many
 * clusters and embedded certificates, are a few hundred KiB at most.
 */
export const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;

/** A kubeconfig file refused before reading it: the message is the rule it breaks. */
export class KubeconfigFileError extends Error {
  override readonly name = 'KubeconfigFileError';
}

function fileKind(st: Stats): string {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Refuses a kubeconfig that is not a regular file or is larger than MAX_KUBECONFIG_BYTES,
 * before it is read whole (`--kubeconfig` takes a pipe too, read with a cap: readKubeconfigPipe). A missing file or a directory is left to the load, whose errors
 * already say so.
 */
export function checkKubeconfigFile(path: string, stat: (path: string) => Stats = statSync): void {
  let st: Stats;
  try {
    st = stat(path);
  } catch {
    return;
  }
  if (st.isDirectory()) return;
  if (!st.isFile()) throw new KubeconfigFileError(`${fileKind(st)}, not a kubeconfig file (a kubeconfig must be a regular file)`);
  if (st.size > MAX_KUBECONFIG_BYTES) {
    throw new KubeconfigFileError(`the file is ${st.size} bytes, more than a kubeconfig may be (at most ${MAX_KUBECONFIG_BYTES} bytes, 16 MiB)`);
  }
}

/** How long a kubeconfig pipe may stay silent before knsim gives up on it. */
export const KUBECONFIG_PIPE_IDLE_SECONDS = 30;

/** Sleeps `ms` without spinning (the load is synchronous, like client-node's reading of a file). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The text of a kubeconfig given as a pipe (`--kubeconfig <(vault read …)`, as kubectl takes it),
 * read up to MAX_KUBECONFIG_BYTES: a pipe has no size to check before reading. It is read
 * without blocking, since a FIFO no process writes to would block kubectl's read forever: a pipe
 * that gives nothing for `idleSeconds` is refused. Until the first bytes come, an end of file only
 * means no writer has opened it yet; after them it is the writer closing it.
 */
export function readKubeconfigPipe(path: string, idleSeconds = KUBECONFIG_PIPE_IDLE_SECONDS): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(MAX_KUBECONFIG_BYTES + 1);
    let n = 0;
    let quietSince = performance.now();
    while (n < buf.length) {
      // −1: nothing yet from a writer that has it open (EAGAIN).
      let got = -1;
      try {
        got = readSync(fd, buf, n, buf.length - n, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      if (got > 0) {
        n += got;
        quietSince = performance.now();
        continue;
      }
      // An end of file after some bytes: the writer closed the pipe.
      if (n > 0 && got === 0) break;
      if (performance.now() - quietSince > idleSeconds * 1000) {
        throw new KubeconfigFileError(n === 0 ? `nothing came through the pipe in ${idleSeconds} s (does a process write to it?)` : `the pipe went silent for ${idleSeconds} s before its writer closed it`);
      }
      pause(10);
    }
    if (n > MAX_KUBECONFIG_BYTES) throw new KubeconfigFileError(`the pipe gave more than a kubeconfig may be (at most ${MAX_KUBECONFIG_BYTES} bytes, 16 MiB)`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` is a pipe (a FIFO, or /dev/fd/N of a process substitution). */
function isPipe(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false;
  }
}

/** Loads credentials the way kubectl finds them, or from the pod when `inCluster`. */
export function loadKubeConfig(opts: KubeConfigOptions = {}, env: NodeJS.ProcessEnv = process.env): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (opts.inCluster) kc.loadFromCluster();
  else if (opts.kubeconfig !== undefined) {
    if (isPipe(opts.kubeconfig)) kc.loadFromString(readKubeconfigPipe(opts.kubeconfig));
    else {
      checkKubeconfigFile(opts.kubeconfig);
      kc.loadFromFile(opts.kubeconfig);
    }
  } else if (!defaultKubeconfigFound(env)) {
    throw new Error('none found: $KUBECONFIG is unset, ~/.kube/config does not exist and no service account is mounted (give --kubeconfig FILE, set KUBECONFIG, or use --in-cluster in a pod)');
  } else {
    // The files client-node's default loading reads: every entry of $KUBECONFIG, else ~/.kube/config.
    const list = env['KUBECONFIG'];
    const home = env['HOME'];
    const files = list !== undefined && list !== '' ? list.split(delimiter).filter((f) => f !== '') : home !== undefined && home !== '' ? [join(home, '.kube', 'config')] : [];
    for (const f of files) checkKubeconfigFile(f);
    kc.loadFromDefault();
  }
  if (opts.context !== undefined) kc.setCurrentContext(opts.context);
  return kc;
}

/** What Node says for a file it cannot read, as `ls` would put it. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a directory, not a kubeconfig file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
};

/**
 * Why a kubeconfig could not be loaded, in one line: js-yaml's reason and position without
 * its multi-line code frame, Node's file errors without their syscall details.
 */
export function describeKubeconfigError(e: unknown): string {
  if (e instanceof Error && e.name === 'YAMLException') {
    const { reason, mark } = e as Error & { reason?: unknown; mark?: { line?: unknown; column?: unknown } | null };
    // js-yaml counts lines and columns from 0.
    const at = typeof mark?.line === 'number' && typeof mark.column === 'number' ? ` at line ${mark.line + 1} column ${mark.column + 1}` : '';
    const why = typeof reason === 'string' && reason !== '' ? reason : (e.message.split('\n')[0] ?? '').trim();
    return `not valid YAML${at}: ${why}`;
  }
  if (e instanceof KubeconfigFileError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(FILE_ERRORS, code)) return `cannot read the file: ${FILE_ERRORS[code]!}`;
  // client-node reads `clusters` of whatever the YAML held: an empty file holds nothing.
  if (e instanceof TypeError && /\(reading 'clusters'\)/.test(e.message)) return 'the file is empty, not a kubeconfig (apiVersion: v1, kind: Config, clusters, contexts, users)';
  // client-node's own checks (`clusters[0].name is missing`) are plain Errors: their message is the rule.
  if (e instanceof Error && e.name === 'Error') return e.message.replace(/\s+/g, ' ').trim();
  return describeError(e);
}

/** The API groups the adapter talks to, and the timeout applied to every call. */
export interface KubeClients {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  coordination: k8s.CoordinationV1Api;
  /** Where the clients point: informers open their watches with it. */
  config: k8s.KubeConfig;
  /** Each request is aborted after this many seconds. */
  requestTimeoutSeconds: number;
}

export function makeKubeClients(kc: k8s.KubeConfig, requestTimeoutSeconds = 5): KubeClients {
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    config: kc,
    requestTimeoutSeconds,
  };
}

/** Knative's CRDs the adapter reads and writes. */
export const SERVING_GROUP = 'serving.knative.dev';
export const SERVING_VERSION = 'v1';
export const AUTOSCALING_INTERNAL_GROUP = 'autoscaling.internal.knative.dev';
export const AUTOSCALING_INTERNAL_VERSION = 'v1alpha1';
export const NETWORKING_INTERNAL_GROUP = 'networking.internal.knative.dev';
export const NETWORKING_INTERNAL_VERSION = 'v1alpha1';

/**
 * Per-call options: abort after the clients' timeout, and optionally a patch content type.
 * Without one the client sends JSON Patch; object bodies need merge patch (strategic merge
 * patch is refused for custom resources).
 */
export function callOptions(kube: KubeClients, patch?: 'merge'): k8s.ConfigurationOptions {
  const ms = Math.max(1, Math.round(kube.requestTimeoutSeconds * 1000));
  const timeout: k8s.ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (rsp) => new k8s.Observable(Promise.resolve(rsp)),
  };
  const base: k8s.ConfigurationOptions = { middleware: [timeout], middlewareMergeStrategy: 'append' };
  return patch === 'merge' ? k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch, base) : base;
}

/** The HTTP status of a failed API call, or undefined for a network error or timeout. */
export function httpStatus(e: unknown): number | undefined {
  return e instanceof k8s.ApiException ? (e.code as number) : undefined;
}

export const isNotFound = (e: unknown): boolean => httpStatus(e) === 404;
export const isConflict = (e: unknown): boolean => httpStatus(e) === 409;

/**
 * Worth retrying later with backoff: no response at all (refused, reset, timed out), a
 * server error, or throttling. Client errors other than 409/429 are not.
 */
export function isRetryable(e: unknown): boolean {
  const code = httpStatus(e);
  if (code === undefined) return true;
  return code >= 500 || code === 429 || code === 409;
}

/** One line describing an API or network error. */
export function describeError(e: unknown): string {
  if (e instanceof k8s.ApiException) {
    let detail = '';
    const body: unknown = e.body;
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') detail = `: ${parsed.message}`;
      } catch {
        detail = body.length > 0 ? `: ${body.slice(0, 200)}` : '';
      }
    }
    return `HTTP ${String(e.code)}${detail}`.replace(/\s+/g, ' ');
  }
  if (e instanceof ResponseShapeError) return e.message;
  if (e instanceof Error && e.name === 'AbortError') return 'request timed out';
  if (e instanceof Error) return `${e.name}: ${e.message}`.replace(/\s+/g, ' ');
  return String(e);
}
