#!/usr/bin/env node
/**
 * A broad fuzzer of knsim's inputs through the built CLI, as a user meets them: a scenario file,
 * the trace files, ConfigMap files and manifest files it names, user autoscaler modules, and flag
 * values. Each case is written to a fresh folder and run as a subprocess with a time limit; the
 * rule checked is the README's: the run succeeds (exit 0), or it is refused with exit 2 and one
 * line on stderr, `knsim: ...`, no stack trace; never a hang, a crash or a native abort.
 *
 * Too slow for CI as a whole (each case starts a process); the bugs it found have table-driven
 * regression tests beside the code they hit. Seeded and deterministic in what it generates:
 *
 *   npm run build && node test/fuzz/cli-inputs.mjs [--seed N] [--cases N] [--only kind] [--timeout S]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/knsim.js');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const SEED = arg('seed', '48');
const CASES = Number(arg('cases', '200'));
const ONLY = arg('only', '');
const TIMEOUT_S = Number(arg('timeout', '30'));
const r = seedrandom(SEED);
const pick = (xs) => xs[Math.floor(r() * xs.length)];

const MANIFEST = '{ apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }';
const ODD_SCALARS = [
  '0', '-1', '1.5', '1e308', '-1e308', '.nan', '.inf', '-.inf', '"NaN"', '"Infinity"', '"1e308"', '5e-324', '9007199254740993', '99999999999999999999999',
  '""', '" "', '"\\u0000"', '"é"', '"🙂"', 'null', 'true', '[]', '{}', '[1, 2]', '"-5s"', '"1e12s"', '"876000h"', '"9999999999999999999h"', '"1ns"',
  `"${'x'.repeat(3000)}"`, '0x10', '0o17', '1_000', '+5', '"１２"', '2001-12-14', '!!binary aGVsbG8=', '&a 5', '*nope',
];

// ---- what each kind of case writes: files in the case folder and the CLI arguments ----

function tinyScenario(extra = '', client = `{ name: load, service: hello, open: { rps: 5 } }`) {
  return `name: fz\nduration: 3s\nservices:\n  - manifest: ${MANIFEST}\n    initialPods: 1\nclients:\n  - ${client}\n${extra}`;
}

/** Text-level damage: BOM, CRLF, CR only, truncation, NUL, tabs, duplicate keys, deep nesting. */
function damageText(text) {
  const lines = text.split('\n');
  const at = Math.floor(r() * lines.length);
  switch (Math.floor(r() * 12)) {
    case 0: return `\uFEFF${text}`;
    case 1: return text.replace(/\n/g, '\r\n');
    case 2: return text.replace(/\n/g, '\r');
    case 3: return text.slice(0, Math.floor(r() * text.length));
    case 4: return '';
    case 5: lines.splice(at, 0, lines[at] ?? ''); return lines.join('\n');
    case 6: lines[at] = `${lines[at]}\u0000`; return lines.join('\n');
    case 7: lines[at] = `\t${lines[at]}`; return lines.join('\n');
    case 8: return `${text}\n${'  '.repeat(0)}deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    case 9: return `\uFEFF\uFEFF${text}`;
    case 10: return text.replace(/: ([^\n{[]+)$/m, `: ${pick(ODD_SCALARS)}`);
    default: return `${text}\n---\n${text}`;
  }
}

/** Replaces the value of a random `key: scalar` in flow or block YAML by an odd scalar. */
function oddValue(text) {
  const re = /([A-Za-z-]+): ([^,{}\[\]\n]+)/g;
  const hits = [...text.matchAll(re)];
  if (hits.length === 0) return text;
  const h = pick(hits);
  return text.slice(0, h.index) + `${h[1]}: ${pick(ODD_SCALARS)}` + text.slice(h.index + h[0].length);
}

const KINDS = {
  scenario() {
    const base = readFileSync(join(ROOT, pick(['scenarios/quickstart.yaml', 'scenarios/hello-world.yaml', 'scenarios/capacity-planning.yaml', 'scenarios/two-services.yaml', 'scenarios/llm-streaming.yaml', 'scenarios/karpenter-drift.yaml', 'scenarios/node-drain-pdb.yaml'])), 'utf8')
      .replace(/\nexpect:[\s\S]*$/, '\n');
    const text = r() < 0.5 ? damageText(base) : oddValue(oddValue(base));
    return { files: { 's.yaml': text }, args: ['run', 's.yaml', '--duration', '3s'] };
  },
  trace() {
    const simple = r() < 0.5;
    const rows = simple
      ? ['arrival,duration', '0.5,0.1', '1.0,0.2', '1.5,0.05', '2.5,0.3']
      : ['app,func,end_timestamp,duration', 'a,f,10.5,0.1', 'a,f,11.0,0.2', 'a,g,11.5,0.3', 'b,f,12.0,0.05'];
    const cells = ['', 'x', 'NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '1e-320', '-1', '0', '"1"', '"', '1,2,3', ' 1 ', '0x10', '１', '9'.repeat(400), '1e', '.5', '5.', '+1', '-0'];
    const i = 1 + Math.floor(r() * (rows.length - 1));
    const parts = rows[i].split(',');
    parts[Math.floor(r() * parts.length)] = pick(cells);
    rows[i] = parts.join(',');
    let text = `${rows.join('\n')}\n`;
    if (r() < 0.4) text = damageText(text);
    const opts = pick(['', ', timeScale: 1e-300', ', timeScale: 1e300', ', offset: 1e9s', ', offset: 2562047h', ', useDurations: "yes"', ', timeScale: .nan', simple ? '' : ', app: zz', simple ? '' : ', func: f']);
    const client = `{ name: replay, service: hello, trace: { file: t.csv, format: ${simple ? 'simple' : 'azure2021'}${opts} } }`;
    const fileIsDir = r() < 0.05;
    return { files: fileIsDir ? { 's.yaml': tinyScenario('', client), 't.csv/': '' } : { 's.yaml': tinyScenario('', client), 't.csv': text }, args: ['run', 's.yaml'] };
  },
  configmap() {
    const name = pick(['config-autoscaler', 'config-deployment', 'config-defaults', 'config-network', 'config-features', 'config-observability']);
    const key = {
      'config-autoscaler': ['stable-window', 'panic-window-percentage', 'max-scale-up-rate', 'target-burst-capacity', 'initial-scale', 'scale-to-zero-grace-period', 'activator-capacity', 'max-scale', 'container-concurrency-target-default'],
      'config-deployment': ['progress-deadline', 'queue-sidecar-cpu-request', 'queue-sidecar-memory-limit', 'runtime-class-name', 'digest-resolution-timeout'],
      'config-defaults': ['revision-timeout-seconds', 'max-revision-timeout-seconds', 'container-concurrency', 'container-name-template', 'revision-idle-timeout-seconds'],
      'config-network': ['rollout-duration', 'domain-template', 'tag-template', 'ingress-class', 'namespace-wildcard-cert-selector'],
      'config-features': ['kubernetes.podspec-affinity', 'multi-container', 'queueproxy.resource-defaults'],
      'config-observability': ['metrics.backend-destination', 'tracing.sample-rate', 'logging.enable-var-log-collection'],
    }[name];
    const values = ['"1e308"', '"-1"', '"NaN"', '"Infinity"', '"1e-300"', '"0"', '"999999999999999999999"', '"9223372036854775807s"', '"{{.Name}}"', '"{{"', '"{{printf \\"%999999999d\\" 1}}"', '"{{.Name}}.{{.Domain}}"', '"a: [b"', '"matchLabels: {a: b}"', '"1Ei"', '"99999999Ei"', '"1e3m"', '"-1m"', '""', '"enabled"', 5, 'true', 'null', '[x]'];
    const data = `{ ${pick(key)}: ${pick(values)}${r() < 0.3 ? `, ${pick(key)}: ${pick(values)}` : ''} }`;
    let cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: knative-serving }\ndata: ${data}\n`;
    if (r() < 0.3) cm = damageText(cm);
    if (r() < 0.3) return { files: { 's.yaml': tinyScenario(`configMaps:\n  ${name}: ${data}\n`) }, args: ['run', 's.yaml'] };
    return { files: { 's.yaml': tinyScenario('configMapFiles: [cm.yaml]\n'), 'cm.yaml': cm }, args: ['run', 's.yaml'] };
  },
  manifest() {
    const annotations = ['autoscaling.knative.dev/target', 'autoscaling.knative.dev/min-scale', 'autoscaling.knative.dev/max-scale', 'autoscaling.knative.dev/window', 'autoscaling.knative.dev/panic-window-percentage', 'autoscaling.knative.dev/initial-scale', 'autoscaling.knative.dev/target-utilization-percentage', 'autoscaling.knative.dev/scale-down-delay', 'autoscaling.knative.dev/activation-scale', 'autoscaling.knative.dev/metric', 'autoscaling.knative.dev/class', 'autoscaling.knative.dev/target-burst-capacity', 'autoscaling.knative.dev/scale-to-zero-pod-retention-period', 'autoscaling.knative.dev/panic-threshold-percentage', 'autoscaling.knative.dev/max-scale-up-rate'];
    const values = ['"1e308"', '"-1"', '"NaN"', '"Infinity"', '"1e-300"', '"0"', '"0.0001"', '"999999999999999999999"', '"2147483648"', '"9223372036854775807s"', '"1e9h"', '"-1s"', '"6s"', '""', '" 5"', '"5 "', '"0x10"', '"１"', 5, '1.5', 'true', 'null'];
    const specs = [
      `containerConcurrency: ${pick(['-1', '1e308', '1001', '2147483648', '"5"', '.nan', '0.5'])}`,
      `timeoutSeconds: ${pick(['-1', '1e308', '0', '601', '9223372036854775808', '.inf'])}`,
      `containers: [{ image: app, resources: { requests: { cpu: ${pick(['"1e308"', '"-1"', '"NaN"', '"99999999999Ei"', '"1e-9"', '"0.0000000001"', '"1m"', '"1e3"', '"1E3"'])} } } }]`,
      `containers: [{ image: app, resources: { limits: { memory: ${pick(['"1e308"', '"-1"', '"NaN"', '"99999999999Ei"', '"1e-9"', '"0.5"', '"1Ki"', '"1k"'])} } } }]`,
      `containers: [{ image: app, ports: [{ containerPort: ${pick(['0', '-1', '65536', '1e308', '"8080"', '8080.5'])} }] }]`,
      `containers: [{ image: app, readinessProbe: { periodSeconds: ${pick(['0', '-1', '1e308', '2147483648', '.nan'])}, httpGet: { port: 8080 } } }]`,
    ];
    const a = `{ ${pick(annotations)}: ${pick(values)} }`;
    const spec = r() < 0.5 ? `${pick(specs)}, containers: [{ image: app }]` : pick(specs).startsWith('containers') ? pick(specs.filter((s) => s.startsWith('containers'))) : `${pick(specs)}, containers: [{ image: app }]`;
    let m = `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello${r() < 0.2 ? pick(['-', 'X', '.a', 'a'.repeat(70), 'é']) : ''} }\nspec:\n  template:\n    metadata: { annotations: ${a} }\n    spec: { ${spec.replace(/^containers: \[(.*)\], containers: \[\{ image: app \}\]$/, 'containers: [$1]')} }\n`;
    if (r() < 0.25) m = damageText(m);
    const asFile = r() < 0.5;
    const scenario = asFile
      ? `name: fz\nduration: 3s\nservices:\n  - manifestFile: ksvc.yaml\n    initialPods: 1\nclients:\n  - { name: load, service: hello, open: { rps: 5 } }\n`
      : `name: fz\nduration: 3s\nservices:\n  - manifest:\n${m.split('\n').map((l) => `      ${l}`).join('\n')}\n    initialPods: 1\nclients:\n  - { name: load, service: hello, open: { rps: 5 } }\n`;
    return { files: asFile ? { 's.yaml': scenario, 'ksvc.yaml': m } : { 's.yaml': scenario }, args: ['run', 's.yaml'] };
  },
  autoscaler() {
    const bodies = [
      'return { desiredScale: NaN };',
      'return { desiredScale: Infinity };',
      'return { desiredScale: -1 };',
      'return { desiredScale: 1e308 };',
      'return { desiredScale: "3" };',
      'return null;',
      'return { desiredScale: 1, sksMode: "Bogus" };',
      'return { desiredScale: 1, minScale: 5, maxScale: 2 };',
      'throw new Error("boom");',
      'throw "a string";',
      'throw null;',
      'return { desiredScale: 1, inPanic: "yes" };',
      'return { get desiredScale() { throw new Error("getter"); } };',
      'return new Proxy({}, { get() { throw new Error("proxy"); } });',
      'return Promise.resolve({ desiredScale: 1 });',
      'return { desiredScale: 1e6 };',
      'while (true) {}',
      'const a = []; for (;;) a.push(new Array(1e6).fill(1));',
      'return { desiredScale: 1n };',
      'return { desiredScale: Math.random() };',
      'return { desiredScale: Date.now() };',
      'return { desiredScale: 1, extra: 1 };',
      'return { desiredScale: 2 };',
    ];
    const heads = [
      (b) => `export default { apiVersion: 'knsim.dev/v1', create() { return { decide(input) { ${b} } }; } };`,
      (b) => `export default { apiVersion: 'knsim.dev/v2', create() { return { decide(input) { ${b} } }; } };`,
      (b) => `export default { apiVersion: 'knsim.dev/v1', tickSeconds: ${pick(['0', '-1', '1e308', 'NaN', '0.01', '"2"', '1e-9', 'Infinity'])}, create() { return { decide(input) { ${b} } }; } };`,
      (b) => `export default { apiVersion: 'knsim.dev/v1', create() { ${b} } };`,
      (b) => `export default { apiVersion: 'knsim.dev/v1', create() { return { decide() { return { desiredScale: 1 }; }, snapshot() { ${b} } }; } };`,
      () => pick(['', 'export default 5;', 'export default null;', 'syntax error here (', 'export const x = 1;', 'import fs from "fs"; export default fs;', 'throw new Error("at load");', 'for(;;){}', 'import x from "./nope.js"; export default x;', 'export default { apiVersion: "knsim.dev/v1", create: 5 };']),
    ];
    const mod = pick(heads)(pick(bodies));
    const timeout = r() < 0.6 ? '' : pick(['', ', timeout: 0s', ', timeout: -1s', ', timeout: 1e308s', ', timeout: 50ms', ', timeout: 5000000h', ', timeout: 1.5ms']);
    const modFile = pick(['my.ts', 'my.js', 'my.mjs']);
    const modIsDir = r() < 0.05;
    const scenario = `name: fz\nduration: 5s\nautoscalerClasses:\n  - { name: my.example.com, module: ./${modFile}${timeout} }\nservices:\n  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { metadata: { annotations: { autoscaling.knative.dev/class: my.example.com } }, spec: { containers: [{ image: app }] } } } }\n    initialPods: 1\nclients:\n  - { name: load, service: hello, open: { rps: 5 } }\n`;
    return { files: modIsDir ? { 's.yaml': scenario, [`${modFile}/`]: '' } : { 's.yaml': scenario, [modFile]: mod }, args: ['run', 's.yaml'] };
  },
  flags() {
    const cmd = pick(['run', 'plan', 'sweep', 'tune', 'compare', 'test']);
    const flagValues = {
      '--seed': ['-1', '1e3', '18446744073709551616', '9007199254740993', '0', ' 5', '٣'],
      '--duration': ['0s', '-1s', '1e308s', '2562047h47m16.854775807s', '2562048h', '1ns', '90', '1.5s', 'NaNs', '5000000h'],
      '--max-requests': ['1', '5e9', '1e20', '1e308', '0.5', '1e-1', '9007199254740993'],
      '--max-pods': ['1', '1e20', '1e308'],
      '--max-events': ['1', '1e20'],
      '--max-in-flight': ['1', '1e20'],
      '--max-users': ['1', '1e20'],
      '--max-node-launches': ['1', '1e20'],
      '--trace': ['sample=0', 'sample=1e-300', 'sample=5e-324', 'sample=1', 'sample=0.5x', 'sample='],
      '--set': ['seed=1e308', 'duration=1e308', 'duration="1e308s"', 'services[0].initialPods=-1', 'clients[0].open.rps=1e308', 'clients[0].open.rps=.nan', 'a.b.c.d=1', '__proto__.x=1', 'constructor.prototype.x=1', 'services[-1].x=1', 'services["0"].x=1', 'x=&a [*a]', 'clients[0]={}', 'configMaps.config-autoscaler.stable-window=1e308s'],
      '--grid': ['seed=1..1e9:1', 'seed=1,2', 'clients[0].open.rps=1..2:1e-300', 'clients[0].open.rps=.nan,1', 'seed=1..2:NaN', 'duration=1s,1e308s'],
      '--replications': ['0', '1', '10001', '1e3'],
      '--workers': ['0', '1', '1025'],
      '--space': ['clients[0].open.rps=1..2:1e-300', 'seed=1..3:1', 'clients[0].open.rps=3..1:1'],
      '--slo': ['p99<=500ms', 'p99<=1e308ms', 'p99<=-1ms', 'errorRate<=1e308%', 'p99<=NaNms'],
      '--class': ['kpa', 'hpa', './nope.ts', '.', 'my.ts'],
    };
    const allowed = {
      run: ['--seed', '--duration', '--max-requests', '--max-pods', '--max-events', '--max-in-flight', '--max-users', '--max-node-launches', '--trace', '--set'],
      plan: ['--set', '--max-requests', '--max-pods'],
      sweep: ['--grid', '--replications', '--workers', '--max-requests', '--set'],
      tune: ['--space', '--slo', '--replications', '--max-requests'],
      compare: ['--class', '--replications', '--max-requests'],
      test: ['--max-requests', '--max-pods'],
    }[cmd];
    const args = [cmd, 's.yaml'];
    if (cmd === 'sweep') args.push('--grid', pick(flagValues['--grid']));
    if (cmd === 'tune') args.push('--space', pick(flagValues['--space']), '--slo', pick(flagValues['--slo']), '--objective', 'podSeconds');
    if (cmd === 'compare') args.push('--class', 'kpa');
    const n = 1 + Math.floor(r() * 2);
    for (let i = 0; i < n; i++) {
      const f = pick(allowed);
      args.push(`${f}=${pick(flagValues[f])}`);
    }
    const extra = cmd === 'plan' ? `cluster:\n  nodePools: [{ name: p, nodeType: { cpu: "4", memory: 16Gi }, min: 1, max: 3 }]\n` : '';
    return { files: { 's.yaml': tinyScenario(extra), 'my.ts': `export default { apiVersion: 'knsim.dev/v1', create() { return { decide() { return { desiredScale: 1 }; } }; } };` }, args };
  },
};

/** A short run of quickstart, made once, whose files the report cases damage. */
let baseRun;
function baseRunFiles() {
  if (baseRun) return baseRun;
  const dir = mkdtempSync(join(tmpdir(), 'knsim-fuzz-run-'));
  spawnSync(process.execPath, [BIN, 'run', join(ROOT, 'scenarios/quickstart.yaml'), '--duration', '40s', '--no-report', '--out', join(dir, 'run')]);
  baseRun = {};
  for (const f of readdirSync(join(dir, 'run'))) baseRun[f] = readFileSync(join(dir, 'run', f), 'utf8');
  return baseRun;
}

/** Replaces one JSON scalar of the text by an odd one. */
function damageJson(text) {
  const hits = [...text.matchAll(/: (-?[0-9.e+]+|"[^"]*"|true|false|null)/g)];
  if (hits.length === 0) return text;
  const h = pick(hits);
  const odd = pick(['-1', '1e308', '-1e308', '"abc"', 'null', '[]', '{}', '1e999', '0', '5e-324', '"NaN"', 'true', '123456789012345678901234567890', '"\\u0000"', `"${'x'.repeat(2000)}"`]);
  return text.slice(0, h.index) + `: ${odd}` + text.slice(h.index + h[0].length);
}

/** Replaces one CSV cell (not of the header) by an odd one. */
function damageCsv(text) {
  const lines = text.split('\n');
  if (lines.length < 3) return text;
  const i = 1 + Math.floor(r() * (lines.length - 2));
  const cells = lines[i].split(',');
  cells[Math.floor(r() * cells.length)] = pick(['', 'abc', '-1', '1e308', '-1e308', 'NaN', 'Infinity', '1e999', '5e-324', '"', '"a,b"', '0x10', ' 1', '99999999999999999999', '-0']);
  lines[i] = cells.join(',');
  return lines.join('\n');
}

KINDS.report = function report() {
  const files = { ...baseRunFiles() };
  const names = Object.keys(files);
  const victim = pick(names);
  const how = r();
  if (how < 0.08) delete files[victim];
  else if (how < 0.15) files[victim] = damageText(files[victim]);
  else if (victim.endsWith('.json')) files[victim] = damageJson(files[victim]);
  else files[victim] = damageCsv(files[victim]);
  const out = {};
  for (const [k, v] of Object.entries(files)) out[`run/${k}`] = v;
  if (how >= 0.08 && how < 0.1) { delete out[`run/${victim}`]; out[`run/${victim}/`] = ''; }
  return { files: out, args: ['report', 'run'] };
};

/**
 * Values the API server and Knative take, at the edge of their types (int32 maximums, hour-long
 * windows): a run must finish within the time limit or be refused up front, never grind.
 */
KINDS.extreme = function extreme() {
  const C = 'services[0].manifest.spec.template.spec.containers[0]';
  const A = 'services[0].manifest.spec.template.metadata.annotations';
  const I32 = '2147483647';
  const probe = (kind) => `${C}.${kind}={ ${pick(['periodSeconds', 'timeoutSeconds', 'initialDelaySeconds', 'failureThreshold', ...(kind === 'readinessProbe' ? ['successThreshold'] : [])])}: ${pick([I32, '1', '3600'])}, ${pick(['periodSeconds: 1,', 'timeoutSeconds: 1,', `failureThreshold: ${I32},`, ''])} httpGet: { port: 8080 } }`;
  const sets = [
    probe('readinessProbe'), probe('livenessProbe'), probe('startupProbe'),
    `${A}["autoscaling.knative.dev/${pick(['max-scale', 'initial-scale', 'activation-scale', 'min-scale'])}"]="${pick([I32, '100000', '99999'])}"`,
    `${A}["autoscaling.knative.dev/${pick(['window', 'scale-down-delay', 'scale-to-zero-pod-retention-period'])}"]=${pick(['3600s', '1h', '6s'])}`,
    `${A}["autoscaling.knative.dev/target"]="${pick(['0.01', '1e9'])}"`,
    `${A}["autoscaling.knative.dev/target-burst-capacity"]="${pick(['-1', '0', '1e300'])}"`,
    `configMaps.config-network.rollout-duration="${pick([I32, '3600'])}"`,
    `configMaps.config-autoscaler.${pick(['max-scale-up-rate', 'max-scale-down-rate'])}="${pick(['1.0001', '1e300'])}"`,
    r() < 0.5
      ? `services[0].app.faults=[{ kind: crash, at: 5s, pods: ${pick(['1', '1000'])}, count: ${pick(['1', I32])}, uptime: ${pick(['1ms', '1s'])} }]`
      : `services[0].app.faults=[{ kind: hang, at: 5s, pods: ${pick(['1', '1000'])}, duration: ${pick(['1ms', '2562047h'])} }]`,
  ];
  const n = 1 + Math.floor(r() * 3);
  const args = ['run', join(ROOT, 'scenarios', pick(['hang.yaml', 'crash-recovery.yaml', 'slow-start.yaml', 'quickstart.yaml', 'rollout.yaml', 'capacity-planning.yaml'])), '--duration', pick(['30s', '5m'])];
  for (let i = 0; i < n; i++) args.push('--set', pick(sets));
  return { files: {}, args };
};

// ---- running one case and judging its outcome ----

function judge(res, elapsedMs) {
  if (res.error?.code === 'ETIMEDOUT' || res.signal === 'SIGTERM') return `hang (> ${TIMEOUT_S} s)`;
  if (res.signal) return `killed by ${res.signal}`;
  const err = res.stderr.toString();
  if (/^\s+at .+:\d+:\d+\)?$/m.test(err)) return 'stack trace on stderr';
  if (res.status === 0) return null;
  if (res.status !== 2) return `exit ${res.status}`;
  const lines = err.split('\n').filter((l) => l !== '' && !l.startsWith('knsim: warning:'));
  if (lines.length !== 1) return `${lines.length} error lines`;
  if (!lines[0].startsWith('knsim: ')) return 'error line not starting "knsim: "';
  if (lines[0].length > 400) return `error line of ${lines[0].length} characters`;
  void elapsedMs;
  return null;
}

const kinds = ONLY ? ONLY.split(',') : Object.keys(KINDS);
const base = mkdtempSync(join(tmpdir(), 'knsim-fuzz-'));
const found = [];
const counts = {};
for (let i = 0; i < CASES; i++) {
  const kind = kinds[i % kinds.length];
  const c = KINDS[kind]();
  const dir = join(base, String(i));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    if (name.endsWith('/')) mkdirSync(join(dir, name), { recursive: true });
    else writeFileSync(join(dir, name), text);
  }
  const args = [...c.args];
  if (!args.includes('plan') && !args.includes('test') && args[0] !== 'report' && args[0] !== 'compare' && args[0] !== 'tune' && args[0] !== 'sweep') args.push('--no-report', '--out', 'out');
  if (args[0] === 'sweep' || args[0] === 'tune' || args[0] === 'compare') args.push('--out', 'out');
  const t0 = Date.now();
  const res = spawnSync(process.execPath, ['--max-old-space-size=1024', BIN, ...args], { cwd: dir, timeout: TIMEOUT_S * 1000, killSignal: 'SIGTERM', env: { ...process.env, CI: '1' }, maxBuffer: 64 << 20 });
  const bad = judge(res, Date.now() - t0);
  counts[kind] = counts[kind] ?? { ok: 0, refused: 0, bad: 0 };
  if (bad) {
    counts[kind].bad++;
    found.push({ i, kind, bad, dir, args, stderr: res.stderr.toString().slice(0, 1500) });
    console.log(`#${i} ${kind}: ${bad}\n  dir: ${dir}\n  args: ${args.join(' ')}\n  ${res.stderr.toString().split('\n').slice(0, 6).join('\n  ')}`);
  } else {
    if (res.status === 0) counts[kind].ok++;
    else counts[kind].refused++;
    if (process.argv.includes('--verbose')) console.log(`#${i} ${kind} exit ${res.status}: ${res.stderr.toString().split('\n')[0].slice(0, 300)}`);
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify(counts));
console.log(`${found.length} bad outcome(s) of ${CASES}; cases kept under ${base}`);
process.exitCode = found.length > 0 ? 1 : 0;
