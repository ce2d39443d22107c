/**
 * `knsim controller` and `knsim rollout` on the command line: flag validation (one line,
 * exit 2) and short end-to-end runs against the fake API server (the CLI process talks to
 * 127.0.0.1 only).
 */
import { spawn, spawnSync } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseControllerFlags, type ControllerArgs } from '../../src/cli/controller.js';
import { parseRolloutFlags, parseSteps, type RolloutArgs } from '../../src/cli/rollout.js';
import { FakeKube } from './support/fake-kube.js';
import { FakeQueueProxies } from './support/fake-qp.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');
const tmp = mkdtempSync(join(tmpdir(), 'knsim-adapter-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const controllerDefaults: ControllerArgs = {
  mode: 'shadow',
  dryRun: false,
  namespace: undefined,
  selector: undefined,
  kubeconfig: undefined,
  context: undefined,
  inCluster: false,
  knativeNamespace: 'knative-serving',
  config: undefined,
  csv: undefined,
  allowScaleToZero: false,
  staleAfter: '5s',
  subtractProxied: false,
  metricsPort: 9090,
  requestTimeout: '5s',
  leaseName: 'knsim-controller',
  leaseNamespace: undefined,
  leaseDuration: '15s',
  renewDeadline: '10s',
  retryPeriod: '2s',
  identity: undefined,
  duration: undefined,
  logFormat: 'text',
};

const rolloutDefaults: RolloutArgs = {
  service: 'hello',
  namespace: undefined,
  to: undefined,
  steps: '10,25,50,100',
  pause: '60s',
  // As yargs leaves it when not given: its default depends on --pause.
  interval: undefined,
  maxErrorRate: undefined,
  maxLatency: undefined,
  latencyQuantile: 0.95,
  minRequests: 20,
  metricsPort: 9091,
  dryRun: false,
  kubeconfig: undefined,
  context: undefined,
  inCluster: false,
  requestTimeout: '5s',
  logFormat: 'text',
};

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no UsageError');
}

describe('controller flags', () => {
  it('defaults: shadow mode, a decision CSV, upstream timings', () => {
    const s = parseControllerFlags(controllerDefaults, { POD_NAME: 'p' });
    expect(s).toMatchObject({ mode: 'shadow', dryRun: false, csv: 'knsim-decisions.csv', staleAfterSeconds: 5, metricsPort: 9090, leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2, identity: 'p' });
    expect(parseControllerFlags({ ...controllerDefaults, mode: 'apply' }, {}).csv).toBeUndefined();
    expect(parseControllerFlags({ ...controllerDefaults, config: ['stable-window=30s', 'max-scale=10'] }, {}).config).toEqual({ 'stable-window': '30s', 'max-scale': '10' });
  });

  it.each([
    [{ mode: 'yolo' }, /^--mode: must be shadow or apply/],
    [{ dryRun: true }, /^--dry-run: only means something with --mode apply/],
    [{ namespace: ['Default'] }, /^--namespace: "Default" is not a valid namespace name/],
    [{ config: ['stable-window'] }, /^--config: must be key=value/],
    [{ staleAfter: '-1s' }, /^--stale-after: /],
    [{ metricsPort: 0 }, /^--metrics-port: must be a port number/],
    // yargs hands a number flag's non-number as NaN: the message says so, not "null".
    [{ metricsPort: Number.NaN }, /^--metrics-port: must be a port number 1–65535 \(got something that is not a number\)$/],
    [{ renewDeadline: '20s' }, /^--renew-deadline: must be shorter than --lease-duration/],
    [{ retryPeriod: '10s' }, /^--retry-period: must be shorter than --renew-deadline/],
    [{ requestTimeout: '6s' }, /^--renew-deadline: plus --request-timeout must not exceed --lease-duration/],
    [{ leaseName: 'Not_Valid' }, /^--lease-name: /],
    // The Lease's leaseDurationSeconds is an int32: the API server refused these at the first write.
    [{ leaseDuration: '15500ms' }, /^--lease-duration: must be whole seconds, at most 2147483647 \(the Lease's spec\.leaseDurationSeconds is an int32\), got "15500ms"$/],
    [{ leaseDuration: '1000000h', renewDeadline: '10s' }, /^--lease-duration: must be whole seconds, at most 2147483647 .*got "1000000h"$/],
    // AbortSignal.timeout threw past 2^32 − 1 ms at the first API request.
    [{ requestTimeout: '1000000h' }, /^--request-timeout: must be at most 1193h \(a request's timeout is whole milliseconds up to 2\^32 − 1\), got "1000000h"$/],
    [{ logFormat: 'xml' }, /^--log-format: must be text or json/],
    [{ duration: 'soon' }, /^--duration: invalid duration "soon": not a Go duration/],
    [{ duration: '30' }, /^--duration: invalid duration "30": missing unit .*did you mean "30s"\?\)$/],
    // Checked here, before any connection: they were found only once the cluster answered.
    [{ selector: 'app=(x' }, /^--selector "app=\(x": expected "," or the end after a requirement, found "\("$/],
    [{ selector: 'env in ()' }, /^--selector "env in \(\)": the values of "env in" must not be empty$/],
    [{ config: ['stable-window=2s'] }, /^--config stable-window=2s: must be in the \[6s, 3600s\] range$/],
    [{ config: ['max-scale-up-rate=1'] }, /^--config max-scale-up-rate=1: must be greater than 1\.0$/],
    [{ config: ['scale-down-delay=abc'] }, /^--config scale-down-delay=abc: /],
    [{ config: ['stable-windw=30s'] }, /^--config stable-windw=30s: "stable-windw" is not a config-autoscaler key \(did you mean stable-window\?\)$/],
    // A rule relating two keys, both given: no ConfigMap value can make it hold.
    [{ config: ['min-scale=5', 'max-scale=2'] }, /^--config min-scale=5: must not be greater than max-scale \(2\)$/],
    [{ config: ['max-scale-limit=10', 'max-scale=20'] }, /^--config max-scale=20: must be in the \[1, max-scale-limit \(10\)\] range when max-scale-limit is set$/],
    [{ config: ['initial-scale=0', 'allow-zero-initial-scale=false'] }, /^--config initial-scale=0: must be at least 1, or at least 0 when allow-zero-initial-scale is true$/],
    [{ config: ['container-concurrency-target-default=0.012', 'container-concurrency-target-percentage=50'] }, /^--config container-concurrency-target-default=0\.012: times container-concurrency-target-percentage \(fraction 0\.5\) yields a target concurrency of 0\.006, which must be at least 0\.01$/],
  ] as Array<[Partial<ControllerArgs>, RegExp]>)('%o is refused in one line naming the flag', (bad, msg) => {
    const m = usage(() => parseControllerFlags({ ...controllerDefaults, ...bad }, {}));
    expect(m).toMatch(msg);
    expect(m).not.toContain('\n');
  });
});

describe('controller --config values that only the cluster\'s ConfigMap can judge', () => {
  // Each is valid with another key the cluster's config-autoscaler may hold, so it waits for it.
  it.each([['initial-scale=0'], ['max-scale-limit=10'], ['min-scale=5'], ['container-concurrency-target-default=0.012']])('%s is left to the cluster', (kv) => {
    const [key, value] = kv.split('=') as [string, string];
    expect(parseControllerFlags({ ...controllerDefaults, config: [kv] }, {}).config).toEqual({ [key]: value });
  });

  it('two related keys that agree pass', () => {
    const config = ['min-scale=2', 'max-scale=5', 'max-scale-limit=10', 'initial-scale=0', 'allow-zero-initial-scale=true'];
    expect(parseControllerFlags({ ...controllerDefaults, config }, {}).config).toEqual({ 'min-scale': '2', 'max-scale': '5', 'max-scale-limit': '10', 'initial-scale': '0', 'allow-zero-initial-scale': 'true' });
  });
});

describe('rollout flags', () => {
  it('parses steps, rates and latencies', () => {
    expect(parseSteps('5, 25%, 100')).toEqual([5, 25, 100]);
    const s = parseRolloutFlags({ ...rolloutDefaults, maxErrorRate: '2.5%', maxLatency: '750ms', pause: '2m' });
    expect(parseRolloutFlags({ ...rolloutDefaults, maxErrorRate: '5e-2' }).maxErrorRate).toBe(0.05);
    expect(s).toMatchObject({ maxErrorRate: 0.025, maxLatencySeconds: 0.75, pauseSeconds: 120, intervalSeconds: 10, steps: [10, 25, 50, 100] });
  });

  it('an --interval not given is 10s, or the whole --pause when that is shorter', () => {
    // --pause 5s alone was refused: "--interval: must not be longer than --pause", for a flag never given.
    expect(parseRolloutFlags({ ...rolloutDefaults, pause: '5s' })).toMatchObject({ pauseSeconds: 5, intervalSeconds: 5 });
    expect(parseRolloutFlags({ ...rolloutDefaults, pause: '1s' })).toMatchObject({ pauseSeconds: 1, intervalSeconds: 1 });
    expect(parseRolloutFlags({ ...rolloutDefaults, pause: '10s' })).toMatchObject({ pauseSeconds: 10, intervalSeconds: 10 });
    expect(parseRolloutFlags({ ...rolloutDefaults, pause: '5s', interval: '2s' })).toMatchObject({ pauseSeconds: 5, intervalSeconds: 2 });
  });

  it.each([
    [{ steps: '50,10,100' }, /^--steps: must be strictly ascending/],
    [{ steps: '10,50' }, /^--steps: the last step must be 100/],
    [{ steps: '0,100' }, /^--steps: must be whole percents 1–100/],
    [{ steps: '10.5,100' }, /^--steps: must be whole percents/],
    [{ maxErrorRate: '2' }, /^--max-error-rate: must be a fraction 0–1/],
    // Number() read these as 1 and 0.05; a rate is a plain decimal or a percentage, like the other numeric flags.
    [{ maxErrorRate: '0x1' }, /^--max-error-rate: must be a fraction 0–1 or a percentage like 5% \(got "0x1"\)$/],
    [{ maxErrorRate: ' 5% ' }, /^--max-error-rate: must be a fraction 0–1/],
    [{ maxErrorRate: '1e-2 ' }, /^--max-error-rate: must be a fraction 0–1/],
    [{ maxErrorRate: '' }, /^--max-error-rate: must be a fraction 0–1/],
    [{ interval: '2m' }, /^--interval: must not be longer than --pause/],
    [{ pause: '5s', interval: '10s' }, /^--interval: must not be longer than --pause/],
    // No check fits in a pause under 1s; the error named --interval even when it was not given.
    [{ pause: '500ms' }, /^--pause: must be at least 1s, the shortest --interval \(got "500ms"\)$/],
    // 1ns scraped every pod of the revision back to back for the whole pause.
    [{ interval: '1ns' }, /^--interval: must be at least 1s, the Knative autoscaler's scrape period \(got "1ns"\)$/],
    [{ interval: '999ms' }, /^--interval: must be at least 1s/],
    [{ latencyQuantile: 1 }, /^--latency-quantile: must be between 0 and 1/],
    [{ latencyQuantile: Number.NaN }, /^--latency-quantile: must be between 0 and 1 \(got something that is not a number\)$/],
    [{ minRequests: 0 }, /^--min-requests: /],
    [{ service: 'Hello' }, /^<service>: "Hello" is not a valid Service name/],
    [{ to: 'x_y' }, /^--to: /],
    [{ namespace: 'n'.repeat(64) }, /^--namespace: "n{64}" is not a valid namespace name/],
  ] as Array<[Partial<RolloutArgs>, RegExp]>)('%o is refused in one line naming the flag', (bad, msg) => {
    expect(usage(() => parseRolloutFlags({ ...rolloutDefaults, ...bad }))).toMatch(msg);
  });
});

function knsimSync(args: string[], kubeconfigEnv = join(tmp, 'none')): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KUBECONFIG: kubeconfigEnv } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the CLI without blocking this process (which serves the fake API). The deadline is far
 * beyond the few seconds a run takes, since on a busy machine a process can wait long for a
 * core, and three of them fit in the suite's test timeout (vitest.config.ts).
 */
function knsimAsync(args: string[], timeoutMs = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`knsim ${args.join(' ')} did not finish; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('knsim controller / rollout processes', () => {
  it('bad flags exit 2 with one line', () => {
    for (const args of [
      ['controller', '--mode', 'nope'],
      ['controller', '--no-such-flag'],
      ['controller', '--mode', 'apply', '--autoscaler-class', 'predictive.example.com'],
      ['controller', '--mode', 'apply', '--autoscaler-class', `p.example.com=${join(tmp, 'missing.ts')}`],
      ['controller', '--mode', 'apply', '--autoscaler-class', 'mine.knative.dev=examples/autoscalers/predictive.ts'],
      ['rollout', 'hello', '--steps', '50,10'],
    ]) {
      const r = knsimSync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n').length).toBe(1);
      expect(r.stderr).toMatch(/^knsim: /);
      expect(r.stdout).toBe('');
    }
  });

  describe('a bad kubeconfig is a usage error of one line naming the file, before any connection', () => {
    const kc = (name: string, text: string): string => {
      const f = join(tmp, name);
      writeFileSync(f, text);
      return f;
    };
    // js-yaml's message has a multi-line code frame; the line and column say the same.
    const badYaml = kc('bad-yaml.yaml', 'apiVersion: v1\nclusters:\n  - name: a\n   cluster: { server: "https://127.0.0.1:1" }\n');
    const empty = kc('empty.yaml', '# nothing yet\n');
    const noName = kc('no-name.yaml', 'apiVersion: v1\nclusters:\n- cluster: { server: "https://127.0.0.1:1" }\n');
    const good = kc(
      'good.yaml',
      'apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "https://127.0.0.1:1" }\n  name: c\ncontexts:\n- context: { cluster: c, user: u }\n  name: x\ncurrent-context: x\nusers:\n- name: u\n  user: { token: abc }\n',
    );
    const plainHttp = kc(
      'plain-http.yaml',
      'apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "http://127.0.0.1:1" }\n  name: c\ncontexts:\n- context: { cluster: c, user: u }\n  name: x\ncurrent-context: x\nusers:\n- name: u\n  user: { token: abc }\n',
    );
    const noScheme = kc('no-scheme.yaml', readFileSync(good, 'utf8').replace('https://127.0.0.1:1', '127.0.0.1:6443'));
    const noCurrent = kc('no-current.yaml', readFileSync(good, 'utf8').replace('current-context: x\n', ''));
    const badCurrent = kc('bad-current.yaml', readFileSync(good, 'utf8').replace('current-context: x', 'current-context: prod'));
    const badCluster = kc('bad-cluster.yaml', readFileSync(good, 'utf8').replace('context: { cluster: c,', 'context: { cluster: c2,'));
    const missing = join(tmp, 'missing.yaml');
    // A sparse file one byte over the cap: client-node would read all of it.
    const huge = kc('huge.yaml', '');
    truncateSync(huge, 16 * 1024 * 1024 + 1);
    const notRegular = 'a character device, not a kubeconfig file (a kubeconfig must be a regular file)';
    const tooBig = 'the file is 16777217 bytes, more than a kubeconfig may be (at most 16777216 bytes, 16 MiB)';
    it.each([
      // Read whole with no limit, /dev/zero filled memory until the process was killed.
      { args: ['controller', '--kubeconfig', '/dev/zero'], line: `--kubeconfig /dev/zero: ${notRegular}` },
      { args: ['rollout', 'hello', '--kubeconfig', '/dev/zero'], line: `--kubeconfig /dev/zero: ${notRegular}` },
      { args: ['controller', '--kubeconfig', huge], line: `--kubeconfig ${huge}: ${tooBig}` },
      { args: ['rollout', 'hello', '--kubeconfig', huge], line: `--kubeconfig ${huge}: ${tooBig}` },
      { args: ['rollout', 'hello'], env: `${good}:/dev/zero`, line: `$KUBECONFIG ${good}:/dev/zero: ${notRegular}` },
      { args: ['controller'], env: huge, line: `$KUBECONFIG ${huge}: ${tooBig}` },
      // client-node's own words were "HTTP protocol is not allowed when skipTLSVerify is not set or false" (an internal error from rollout).
      { args: ['rollout', 'hello', '--kubeconfig', plainHttp], line: `--kubeconfig ${plainHttp}: cluster "c" has a plain-HTTP server (http://127.0.0.1:1); the Kubernetes client talks plain HTTP only when the cluster sets insecure-skip-tls-verify: true` },
      { args: ['controller', '--kubeconfig', plainHttp], line: `--kubeconfig ${plainHttp}: cluster "c" has a plain-HTTP server (http://127.0.0.1:1); the Kubernetes client talks plain HTTP only when the cluster sets insecure-skip-tls-verify: true` },
      // client-node's "You need to define an absolute base url for the server." was an internal error from rollout.
      { args: ['rollout', 'hello', '--kubeconfig', noScheme], line: `--kubeconfig ${noScheme}: cluster "c" has the server "127.0.0.1:6443", which the Kubernetes client cannot use: write an absolute URL such as https://127.0.0.1:6443` },
      { args: ['controller', '--kubeconfig', noScheme], line: `--kubeconfig ${noScheme}: cluster "c" has the server "127.0.0.1:6443", which the Kubernetes client cannot use: write an absolute URL such as https://127.0.0.1:6443` },
      { args: ['controller', '--kubeconfig', badYaml], line: `--kubeconfig ${badYaml}: not valid YAML at line 4 column 4: bad indentation of a sequence entry` },
      { args: ['rollout', 'hello', '--kubeconfig', badYaml], line: `--kubeconfig ${badYaml}: not valid YAML at line 4 column 4: bad indentation of a sequence entry` },
      { args: ['controller', '--kubeconfig', missing], line: `--kubeconfig ${missing}: cannot read the file: no such file` },
      { args: ['controller', '--kubeconfig', tmp], line: `--kubeconfig ${tmp}: cannot read the file: a directory, not a kubeconfig file` },
      { args: ['controller', '--kubeconfig', empty], line: `--kubeconfig ${empty}: the file is empty, not a kubeconfig (apiVersion: v1, kind: Config, clusters, contexts, users)` },
      { args: ['controller', '--kubeconfig', noName], line: `--kubeconfig ${noName}: clusters[0].name is missing` },
      { args: ['controller', '--kubeconfig', good, '--context', 'prod'], line: `--context prod: no such context in --kubeconfig ${good}` },
      // These three said "no cluster in the current context", naming no field; kubectl refuses them too.
      { args: ['controller', '--kubeconfig', noCurrent], line: `--kubeconfig ${noCurrent}: current-context is not set (set it, or give --context)` },
      { args: ['controller', '--kubeconfig', badCurrent], line: `--kubeconfig ${badCurrent}: current-context "prod" is not one of the contexts` },
      { args: ['rollout', 'hello', '--kubeconfig', badCluster], line: `--kubeconfig ${badCluster}: context "x" names cluster "c2", which is not one of the clusters` },
      // knsimSync points $KUBECONFIG at a file that does not exist.
      { args: ['rollout', 'hello'], line: `$KUBECONFIG ${join(tmp, 'none')}: cannot read the file: no such file` },
    ] as { args: string[]; env?: string; line: string }[])('$args.0 $args.2 $args.3 $env', ({ args, env, line }) => {
      // --duration bounds a controller that would wrongly get as far as running.
      const r = knsimSync(args[0] === 'controller' ? [...args, '--duration', '1s'] : args, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`knsim: ${line}\n`);
      expect(r.stdout).toBe('');
    });
  });

  describe('controller input errors come before any connection', () => {
    const kc = join(tmp, 'unreachable-controller.yaml');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }\n  name: c\n' +
        'contexts:\n- context: { cluster: c, user: u, namespace: default }\n  name: x\ncurrent-context: x\nusers:\n- name: u\n  user: { token: abc }\n',
    );
    const csv = join(tmp, 'decisions.csv');
    it('with good flags the controller reaches the (unreachable) server, so the cases below would too', () => {
      const r = knsimSync(['controller', '--kubeconfig', kc, '--duration', '1s', '--csv', csv, '-l', 'app=hello', '--config', 'stable-window=30s']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^knsim: kubeconfig: cannot read knative-serving\/config-autoscaler: .*ECONNREFUSED 127\.0\.0\.1:1\n$/);
    });

    it.each([
      { flags: ['-l', 'app=(x'], line: '--selector "app=(x": expected "," or the end after a requirement, found "("' },
      { flags: ['--config', 'stable-window=2s'], line: '--config stable-window=2s: must be in the [6s, 3600s] range' },
      { flags: ['--csv', tmp], line: `--csv ${tmp}: is a directory; name a file` },
      { flags: ['--csv', `${tmp}/new-dir/`], line: `--csv ${tmp}/new-dir/: ends in "/", so it names a directory; name a file` },
      { flags: ['--csv', join(kc, 'decisions.csv')], line: `--csv ${join(kc, 'decisions.csv')}: ${kc} is a file, not a directory` },
    ])('$flags', ({ flags, line }) => {
      const r = knsimSync(['controller', '--kubeconfig', kc, '--duration', '1s', ...(flags[0] === '--csv' ? [] : ['--csv', csv]), ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`knsim: ${line}\n`);
      expect(r.stdout).toBe('');
    });
  });

  it('rollout against an API server nobody listens on: exit 2, one line naming the kubeconfig', () => {
    const kc = join(tmp, 'unreachable.yaml');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }\n  name: c\n' +
        'contexts:\n- context: { cluster: c, user: u, namespace: default }\n  name: x\ncurrent-context: x\nusers:\n- name: u\n  user: { token: abc }\n',
    );
    for (const extra of [['--dry-run'], []]) {
      const r = knsimSync(['rollout', 'hello', '--kubeconfig', kc, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^knsim: kubeconfig: cannot reach the API server: request to https:\/\/127\.0\.0\.1:1\/\S+ failed, reason: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    }
  });

  it('rollout against an API server that never answers: exit 2, one line saying the request timed out (it was an internal error)', async () => {
    // Takes connections and says nothing, so each request waits for its --request-timeout.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const kc = join(tmp, 'silent.yaml');
    writeFileSync(
      kc,
      `apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true }\n  name: c\n` +
        'contexts:\n- context: { cluster: c, user: u, namespace: default }\n  name: x\ncurrent-context: x\nusers:\n- name: u\n  user: { token: abc }\n',
    );
    try {
      const r = await knsimAsync(['rollout', 'hello', '--kubeconfig', kc, '--request-timeout', '200ms', '--dry-run']);
      expect([r.code, r.stderr, r.stdout]).toEqual([2, 'knsim: kubeconfig: cannot reach the API server: no answer within --request-timeout\n', '']);
    } finally {
      silent.close();
    }
  });

  describe('against the fake cluster', () => {
    let kube: FakeKube;
    let qps: FakeQueueProxies;
    let kubeconfig: string;
    beforeEach(async () => {
      kube = await new FakeKube().start();
      qps = new FakeQueueProxies();
      kubeconfig = join(tmp, `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(kubeconfig, kube.kubeconfigYaml());
    });
    afterEach(async () => {
      await Promise.all([kube.stop(), qps.stopAll()]);
    });

    it('shadow mode runs, writes its CSV and nothing to the cluster', async () => {
      const qp = await qps.add('hello-00001-deployment-0', { averageConcurrentRequests: 20, requestCount: 20 });
      kube.addRevision('default', 'hello-00001', { annotations: { 'autoscaling.knative.dev/target': '10' } });
      kube.setPodAutoscaler('default', 'hello-00001', { desired: 1, actual: 1 });
      kube.addPod('default', 'hello-00001-deployment-0', 'hello-00001');
      const csv = join(tmp, 'shadow.csv');
      const r = await knsimAsync(['controller', '--kubeconfig', kubeconfig, '--duration', '6s', '--csv', csv, '--metrics-port', String(qp.port), '--config', 'stable-window=30s']);
      expect(r.stderr).not.toMatch(/ error /);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^knsim controller \(shadow\): \d+ decisions for 1 revisions, \d+ would-scale actions; wrote .*shadow\.csv\n$/);
      const lines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('time,namespace,revision,ready_pods,observed_stable,observed_panic,knsim_desired,knsim_want,knsim_in_panic,knsim_excess_burst_capacity,valid,hold,knative_desired,knative_actual,replicas,action');
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.slice(1).every((l) => l.split(',')[2] === 'hello-00001' && l.split(',')[12] === '1')).toBe(true);
      // The first decision fed by a scrape: the panic window holds only what was scraped, so the
      // decider wants ceil(observed_panic / 7) (target 10 × 70 %). That is 3 for one scrape of 20 in
      // its second; on a loaded machine two 1 s scrapes can land in one second and add up (as in
      // Knative's buckets), giving 40 and 6, so the rule is checked rather than one value.
      const fed = lines.slice(1).map((l) => l.split(',')).find((c) => Number(c[5]) > 0)!;
      expect(fed).toBeDefined();
      expect(Number(fed[6])).toBe(Math.ceil(Number(fed[5]) / 7));
      expect(Number(fed[6])).toBeGreaterThanOrEqual(3);
      expect(kube.writes()).toEqual([]);
      expect(kube.requests.some((q) => q.path === '/api/v1/namespaces/knative-serving/configmaps/config-autoscaler')).toBe(true);
      expect(qps.requests.length).toBeGreaterThan(0);
    });

    it('with a user class module it runs in a worker thread, and SIGINT still stops it cleanly (exit 0, its summary, its CSV)', async () => {
      const qp = await qps.add('hello-00001-deployment-0', { averageConcurrentRequests: 20, requestCount: 20 });
      kube.addRevision('default', 'hello-00001', { annotations: { 'autoscaling.knative.dev/class': 'predictive.example.com' } });
      kube.setPodAutoscaler('default', 'hello-00001', { desired: 1, actual: 1 });
      kube.addPod('default', 'hello-00001-deployment-0', 'hello-00001');
      const csv = join(tmp, 'user-class-sigint.csv');
      const args = ['controller', '--kubeconfig', kubeconfig, '--csv', csv, '--metrics-port', String(qp.port), '--autoscaler-class', 'predictive.example.com=examples/autoscalers/predictive.ts'];
      const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      // No --duration: only the signal stops it. Wait for its first decision row first (up to 240 s,
      // inside the suite's one test limit, for a busy machine).
      const rows = (): number => {
        try {
          return readFileSync(csv, 'utf8').trim().split('\n').length - 1;
        } catch {
          return 0;
        }
      };
      for (let i = 0; i < 2400 && rows() === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(rows()).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await closed).toBe(0);
      expect(stderr).not.toMatch(/ error /);
      expect(stdout).toMatch(/^knsim controller \(shadow\): \d+ decisions for 1 revisions, \d+ would-scale actions; wrote .*user-class-sigint\.csv\n$/);
      expect(kube.writes()).toEqual([]);
    });

    it('--csv under /proc, where no folder can be made: exit 2, one line naming the flag and folder (it hung for ever)', async () => {
      kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler' }, data: {} });
      const csv = '/proc/knsim-no-such/decisions.csv';
      const r = await knsimAsync(['controller', '--kubeconfig', kubeconfig, '--duration', '1s', '--csv', csv]);
      expect(r.code).toBe(2);
      // As root /proc passes the write check before connecting, and its mkdir fails; as anyone else the check refuses it.
      const line = process.getuid?.() === 0 ? 'mkdir /proc/knsim-no-such: cannot create a directory there (no such file or directory) (ENOENT)' : 'access /proc: permission denied (EACCES)';
      expect(r.stderr).toBe(`knsim: --csv ${csv}: ${line}\n`);
      expect(r.stdout).toBe('');
    });

    it('a decision row the file system refuses (past the file size limit) stops the controller: exit 2, one line naming --csv and the cause', async () => {
      const qp = await qps.add('hello-00001-deployment-0', { averageConcurrentRequests: 20, requestCount: 20 });
      kube.addRevision('default', 'hello-00001', { annotations: { 'autoscaling.knative.dev/target': '10' } });
      kube.setPodAutoscaler('default', 'hello-00001', { desired: 1, actual: 1 });
      kube.addPod('default', 'hello-00001-deployment-0', 'hello-00001');
      const csv = join(tmp, 'limited.csv');
      // `ulimit -f 1`: files of at most 512 bytes, so the header and a few rows fit and then a write
      // fails with EFBIG (Node ignores SIGXFSZ), as a full disk fails with ENOSPC. It ran on for its
      // whole --duration, logging each lost row, and exited 0.
      const args = ['controller', '--kubeconfig', kubeconfig, '--duration', '30s', '--csv', csv, '--metrics-port', String(qp.port), '--config', 'stable-window=30s'];
      const child = spawn('/bin/sh', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath, bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(code).toBe(2);
      expect(stderr.trim().split('\n').at(-1)).toBe(`knsim: --csv ${csv}: write: file too large (EFBIG)`);
      expect(stdout).toBe('');
      // What went in is whole lines up to the limit: the header first, no line split but the last.
      const text = readFileSync(csv, 'utf8');
      expect(text.length).toBe(512);
      expect(text.startsWith('time,namespace,revision,')).toBe(true);
    });

    it('a config-autoscaler value Knative refuses stops the controller: exit 2, one line naming the ConfigMap, key and rule', async () => {
      kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler' }, data: { 'stable-window': '2s' } });
      const r = await knsimAsync(['controller', '--kubeconfig', kubeconfig, '--duration', '1s', '--csv', join(tmp, 'cm.csv')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('knsim: knative-serving/config-autoscaler: stable-window="2s": must be in the [6s, 3600s] range\n');
    });

    it("reads config-deployment's progress deadline: one Knative refuses stops the controller (exit 2, one line)", async () => {
      // The controller did not read config-deployment at all (a fixed 600 s deadline).
      kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler' }, data: {} });
      kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-deployment' }, data: { 'queue-sidecar-image': 'queue:1', 'progress-deadline': '0s' } });
      const r = await knsimAsync(['controller', '--kubeconfig', kubeconfig, '--duration', '1s', '--csv', join(tmp, 'pd.csv')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('knsim: knative-serving/config-deployment: progress-deadline cannot be a non-positive duration, was 0s\n');
      expect(kube.requests.some((q) => q.path === '/api/v1/namespaces/knative-serving/configmaps/config-deployment')).toBe(true);
    });

    it('a config-deployment Knative refuses for a key knsim does not use stops it too (exit 2, the key and the rule)', async () => {
      // Only progress-deadline was checked: an install whose Knative refuses the ConfigMap was taken as running.
      kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler' }, data: {} });
      kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-deployment' }, data: { 'queue-sidecar-image': 'queue:1', 'queue-sidecar-cpu-request': '25 m' } });
      const r = await knsimAsync(['controller', '--kubeconfig', kubeconfig, '--duration', '1s', '--csv', join(tmp, 'qp.csv')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'knsim: knative-serving/config-deployment: queue-sidecar-cpu-request: failed to parse quantity: "25 m" is not a valid quantity: quantities must match <sign><digits>.<digits><suffix>, e.g. 500m, 1.5, 2Gi, 1e3 (Kubernetes: ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$)\n',
      );
    });

    it('rollout moves the traffic and exits 0; --dry-run writes nothing', async () => {
      kube.put(FakeKube.SERVING, 'default', 'services', {
        metadata: { name: 'hello' },
        spec: { traffic: [{ revisionName: 'hello-00001', percent: 100 }] },
        status: { latestReadyRevisionName: 'hello-00002' },
      });
      kube.addRevision('default', 'hello-00001', { service: 'hello', generation: 1 });
      kube.addRevision('default', 'hello-00002', { service: 'hello', generation: 2 });
      const dry = await knsimAsync(['rollout', 'hello', '--kubeconfig', kubeconfig, '--steps', '50,100', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toBe('knsim rollout: default/hello: dry-run, would move traffic to hello-00002 in steps 50%, 100%\n');
      expect(kube.writes()).toEqual([]);
      const real = await knsimAsync(['rollout', 'hello', '--kubeconfig', kubeconfig, '--steps', '50,100', '--pause', '1s', '--interval', '1s']);
      expect(real.code).toBe(0);
      expect(real.stdout).toBe('knsim rollout: default/hello: hello-00002 now has 100% of the traffic (2 steps)\n');
      expect(kube.writes().map((q) => `${q.method} ${q.contentType}`)).toEqual(['PATCH application/merge-patch+json', 'PATCH application/merge-patch+json']);
      const unknown = await knsimAsync(['rollout', 'hello', '--kubeconfig', kubeconfig, '--to', 'hello-00009']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('knsim: hello: revision hello-00009 not found in service hello\n');
    });
  });
});
