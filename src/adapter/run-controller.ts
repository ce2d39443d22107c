/**
 * Wiring for `knsim controller`: kubeconfig, clients, config-autoscaler and config-deployment (each read, then watched), leader election,
 * the decision CSV and the controller's run loop on the real clock, until SIGINT/SIGTERM
 * or the requested duration.
 */
import { AutoscalerConfigError, FieldError, parseAutoscalerConfig, type AutoscalerClass } from '../core/autoscaler/index.js';
import { systemClock, type Clock } from './clock.js';
import { Controller, isScaleAction, type ConfigReload, type ControllerMode, type DeploymentReload } from './controller.js';
import { DecisionCsv, DecisionCsvError, type ShadowRow } from './decision-csv.js';
import { describeError, describeKubeconfigError, httpStatus, loadKubeConfig, makeKubeClients, type KubeClients } from './kube.js';
import { LeaderElector } from './leader.js';
import { lineLogger, type Logger } from './log.js';
import { podMetricsUrl } from './qp-scraper.js';
import { autoscalerConfigOf, deploymentConfigErrorLine, deploymentConfigOf, loadAutoscalerConfig, loadDeploymentConfig } from './revisions.js';

/** Everything `knsim controller` needs, already validated by the CLI. */
export interface ControllerSettings extends ConnectSettings {
  mode: ControllerMode;
  dryRun: boolean;
  /** undefined: the kubeconfig context's namespace, else "default". */
  namespaces: string[] | undefined;
  selector: string | undefined;
  knativeNamespace: string;
  /** config-autoscaler keys to override. */
  config: Record<string, string>;
  csv: string | undefined;
  allowScaleToZero: boolean;
  /** User classes, loaded by the CLI (`--autoscaler-class`): apply mode also manages their revisions. */
  autoscalerClasses?: readonly AutoscalerClass[] | undefined;
  staleAfterSeconds: number;
  subtractProxied: boolean;
  metricsPort: number;
  leaseName: string;
  leaseNamespace: string | undefined;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  identity: string;
  durationSeconds: number | undefined;
}

/** A problem with the controller's inputs found while starting: `<flag or object>: <rule>`. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

export interface RunIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  clock?: Clock;
  /** Stops the controller (in addition to SIGINT/SIGTERM and --duration). */
  signal?: AbortSignal;
  /** For tests: override the kube clients. */
  kube?: KubeClients;
}

export interface RunSummary {
  revisions: number;
  decisions: number;
  actions: number;
}

/** The kubeconfig and log flags of `knsim controller` and `knsim rollout`. */
export interface ConnectSettings {
  kubeconfig: string | undefined;
  context: string | undefined;
  inCluster: boolean;
  requestTimeoutSeconds: number;
  logFormat: 'text' | 'json';
}

/**
 * Loads the kubeconfig the flags name and makes the clients; `namespace` is the current
 * context's (else `default`). @throws SetupError naming the flag that led to the bad config.
 */
export function connect(s: ConnectSettings, env: NodeJS.ProcessEnv = process.env): { kube: KubeClients; namespace: string } {
  // Where the config came from, with the file when there is one, as kubectl would read it.
  const envFile = env['KUBECONFIG'];
  const where = s.inCluster
    ? '--in-cluster'
    : s.kubeconfig !== undefined
      ? `--kubeconfig ${s.kubeconfig}`
      : envFile !== undefined && envFile !== ''
        ? `$KUBECONFIG ${envFile}`
        : s.context !== undefined
          ? '--context'
          : 'kubeconfig';
  let kc;
  try {
    kc = loadKubeConfig({ kubeconfig: s.kubeconfig, context: s.context, inCluster: s.inCluster });
  } catch (e) {
    throw new SetupError(`${where}: ${describeKubeconfigError(e)}`);
  }
  if (s.context !== undefined && !s.inCluster && kc.getContextObject(s.context) == null) {
    throw new SetupError(`--context ${s.context}: no such context in ${where === '--context' ? 'the kubeconfig' : where}`);
  }
  if (!s.inCluster && s.context === undefined) {
    // As kubectl refuses them (client-go clientcmd ConfirmUsable), naming the field at fault.
    const current = kc.getCurrentContext();
    if (current === undefined || current === '') throw new SetupError(`${where}: current-context is not set (set it, or give --context)`);
    if (kc.getContextObject(current) == null) throw new SetupError(`${where}: current-context ${JSON.stringify(current)} is not one of the contexts`);
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  if (context && !s.inCluster && kc.getCluster(context.cluster) == null) {
    throw new SetupError(`${where}: context ${JSON.stringify(context.name)} names cluster ${JSON.stringify(context.cluster ?? '')}, which is not one of the clusters`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new SetupError(`${where}: no cluster in the current context`);
  // client-node takes only an absolute http(s) URL (kubectl would add a scheme to 127.0.0.1:6443); it said so at the first request, as an internal error.
  if (!absoluteHttpUrl(cluster.server)) {
    throw new SetupError(`${where}: cluster ${JSON.stringify(cluster.name)} has the server ${JSON.stringify(cluster.server)}, which the Kubernetes client cannot use: write an absolute URL such as https://127.0.0.1:6443`);
  }
  // client-node refuses a plain-HTTP server at the first request, in words that name no file or field.
  if (cluster.server.startsWith('http:') && cluster.skipTLSVerify !== true) {
    throw new SetupError(`${where}: cluster ${JSON.stringify(cluster.name)} has a plain-HTTP server (${cluster.server}); the Kubernetes client talks plain HTTP only when the cluster sets insecure-skip-tls-verify: true`);
  }
  return { kube: makeKubeClients(kc, s.requestTimeoutSeconds), namespace: kc.getContextObject(kc.getCurrentContext())?.namespace || 'default' };
}

function absoluteHttpUrl(server: string): boolean {
  try {
    const u = new URL(server);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.host !== '';
  } catch {
    return false;
  }
}

/** Starts the controller and resolves when it has stopped. @throws SetupError for unusable inputs. */
export async function runController(s: ControllerSettings, io: RunIo = defaultIo()): Promise<RunSummary> {
  const clock = io.clock ?? systemClock;
  const logger: Logger = lineLogger(io.stderr, { json: s.logFormat === 'json', now: () => clock.now() });
  let kube = io.kube;
  let namespaces = s.namespaces;
  if (!kube) {
    const c = connect(s);
    namespaces ??= [c.namespace];
    kube = c.kube;
  }
  namespaces ??= ['default'];

  const clients = kube;
  let config;
  // Watched while it can be read (else read at every revision resync, see Controller.syncConfig).
  let configData: Readonly<Record<string, string>> | undefined;
  let configResourceVersion: string | undefined;
  let reloadConfig: ConfigReload = {
    where: `${s.knativeNamespace}/config-autoscaler`,
    load: () => loadAutoscalerConfig(clients, s.knativeNamespace, s.config),
    watch: { namespace: s.knativeNamespace, name: 'config-autoscaler', parse: (cm) => autoscalerConfigOf(cm, s.config) },
  };
  try {
    const loaded = await loadAutoscalerConfig(kube, s.knativeNamespace, s.config);
    config = loaded.config;
    if (loaded.found) {
      configData = loaded.data;
      configResourceVersion = loaded.resourceVersion;
    }
    if (!loaded.found) logger.warn('config-autoscaler not found; using Knative defaults', { namespace: s.knativeNamespace });
  } catch (e) {
    if (e instanceof AutoscalerConfigError) {
      // The error's own message starts with the ConfigMap's name, which `where` already gives.
      const where = e.key in s.config ? '--config' : `${s.knativeNamespace}/config-autoscaler`;
      throw new SetupError(`${where}: ${e.key}=${JSON.stringify(e.value)}: ${e.first.message}`);
    }
    const code = httpStatus(e);
    if (code === 401) throw new SetupError(`kubeconfig: the API server refused the credentials (${describeError(e)})`);
    if (code !== 403) throw new SetupError(`kubeconfig: cannot read ${s.knativeNamespace}/config-autoscaler: ${describeError(e)}`);
    // Said once; its watch keeps trying on the reflector's backoff, as config-deployment's (RBAC granted later is picked up).
    logger.warn('not allowed to read config-autoscaler; using Knative defaults plus --config until it can be read', { namespace: s.knativeNamespace });
    reloadConfig = { ...reloadConfig, refusedAtStart: true };
    try {
      config = parseAutoscalerConfig(s.config);
    } catch (e2) {
      throw new SetupError(`--config: ${describeError(e2)}`);
    }
  }

  // The revisions' progress deadline, which sets when an activating PA gives up; watched as config-autoscaler is.
  let progressDeadlineSeconds: number | undefined;
  let deploymentResourceVersion: string | undefined;
  let reloadDeployment: DeploymentReload | undefined = {
    where: `${s.knativeNamespace}/config-deployment`,
    load: () => loadDeploymentConfig(clients, s.knativeNamespace),
    watch: { namespace: s.knativeNamespace, name: 'config-deployment', parse: deploymentConfigOf },
  };
  try {
    const loaded = await loadDeploymentConfig(kube, s.knativeNamespace);
    progressDeadlineSeconds = loaded.progressDeadlineSeconds;
    deploymentResourceVersion = loaded.resourceVersion;
  } catch (e) {
    if (e instanceof FieldError) throw new SetupError(deploymentConfigErrorLine(`${s.knativeNamespace}/config-deployment`, e));
    if (httpStatus(e) !== 403) throw new SetupError(`kubeconfig: cannot read ${s.knativeNamespace}/config-deployment: ${describeError(e)}`);
    // Said once; its watch keeps trying on the reflector's backoff (RBAC granted later is picked up).
    logger.warn('not allowed to read config-deployment; using Knative\'s 600s progress deadline until it can be read', { namespace: s.knativeNamespace });
    reloadDeployment = { ...reloadDeployment, refusedAtStart: true };
  }

  const writes = s.mode === 'apply' && !s.dryRun;
  let leader: LeaderElector | undefined;
  if (writes) {
    try {
      leader = new LeaderElector({
        kube,
        clock,
        logger,
        namespace: s.leaseNamespace ?? namespaces[0] ?? 'default',
        name: s.leaseName,
        identity: s.identity,
        leaseDurationSeconds: s.leaseDurationSeconds,
        renewDeadlineSeconds: s.renewDeadlineSeconds,
        retryPeriodSeconds: s.retryPeriodSeconds,
      });
    } catch (e) {
      throw new SetupError(`--lease-duration: ${describeError(e)}`);
    }
  }

  const csv = s.csv !== undefined ? new DecisionCsv(s.csv) : undefined;
  // A row the CSV could not take (a full disk) stops the controller: a log with holes would pass for a whole one.
  let csvFailed: DecisionCsvError | undefined;
  const stop = new AbortController();
  const summary: RunSummary = { revisions: 0, decisions: 0, actions: 0 };
  const seen = new Set<string>();
  const controller = new Controller({
    kube,
    clock,
    logger,
    mode: s.mode,
    dryRun: s.dryRun,
    namespaces,
    labelSelector: s.selector,
    config,
    reloadConfig,
    configData,
    configResourceVersion,
    progressDeadlineSeconds,
    reloadDeployment,
    deploymentResourceVersion,
    allowScaleToZero: s.allowScaleToZero,
    autoscalerClasses: s.autoscalerClasses,
    staleAfterSeconds: s.staleAfterSeconds,
    subtractProxied: s.subtractProxied,
    scrapeUrl: podMetricsUrl(s.metricsPort),
    leader,
    onRow: (row: ShadowRow) => {
      if (csvFailed !== undefined) return;
      try {
        csv?.write(row);
      } catch (e) {
        if (!(e instanceof DecisionCsvError)) throw e;
        csvFailed = e;
        stop.abort();
        return;
      }
      summary.decisions++;
      seen.add(`${row.namespace}/${row.revision}`);
      if (isScaleAction(row.action)) summary.actions++;
    },
  });

  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const forward = (): void => stop.abort();
  io.signal?.addEventListener('abort', forward, { once: true });
  if (s.durationSeconds !== undefined) void clock.sleep(s.durationSeconds, stop.signal).then(() => stop.abort());
  logger.info('knsim controller starting', {
    mode: s.mode,
    dryRun: s.dryRun,
    namespaces: namespaces.join(','),
    identity: writes ? s.identity : undefined,
    csv: s.csv,
  });
  try {
    await controller.run(stop.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    io.signal?.removeEventListener('abort', forward);
    stop.abort();
    csv?.close();
  }
  if (csvFailed !== undefined) throw csvFailed;
  summary.revisions = seen.size;
  const verb = s.mode === 'shadow' ? 'would-scale' : s.dryRun ? 'dry-run' : 'scale';
  io.stdout(
    `knsim controller (${s.mode}${s.dryRun ? ', dry-run' : ''}): ${summary.decisions} decisions for ${summary.revisions} revisions, ${summary.actions} ${verb} actions${s.csv !== undefined ? `; wrote ${s.csv}` : ''}\n`,
  );
  return summary;
}

function defaultIo(): RunIo {
  return { stdout: (x) => process.stdout.write(x), stderr: (x) => process.stderr.write(x) };
}
