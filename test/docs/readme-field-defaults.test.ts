/**
 * The defaults the README's scenario reference quotes for the top level, `app`, the clients and their
 * loads, faults, node pools and the activator updates are the ones knsim uses: on a small scenario
 * that leaves each field out, writing the quoted default changes nothing knsim builds from the file
 * (world, description, trace mode, series), and writing another value does, so the field is read.
 * Each default is read from the README's own table, sentence or YAML comment: an edited default, or
 * one knsim stops using, fails here. (readme-defaults.test.ts covers cluster, podStart, the Cluster
 * Autoscaler and Karpenter; readme-configmaps.test.ts the ConfigMap table.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readme, section } from './readme-section.js';
import { loadScenario } from '../../src/scenario/load.js';

/** The cells of the table row of `field` in `text`. */
function row(text: string, field: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| \`${field}\` |`));
  expect(line, `README: the ${field} row`).toBeDefined();
  return cells(line!);
}

/** A table line's cells; `\|` is a pipe inside a cell (`simple` \| `azure2021`). */
const cells = (line: string): string[] => line.split(/(?<!\\)\|/).map((c) => c.trim());

/**
 * `| \`field\` | … | \`default\` |` rows of the section's first table whose default (the n-th
 * column, 1-based) is one code span.
 */
function tableDefaults(text: string, column: number): Array<[string, string]> {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  return lines
    .slice(first, end < 0 ? undefined : end)
    .filter((l) => /^\| `\w+` \|/.test(l))
    .map(cells)
    .map((cells) => [cells[1]!.replace(/`/g, ''), cells[column]!] as [string, string])
    .filter(([, d]) => /^`[^`]+`$/.test(d))
    .map(([f, d]) => [f, d.slice(1, -1)]);
}

// A scenario that leaves out every field checked here: one Service, and one client of each kind.
const dir = mkdtempSync(join(tmpdir(), 'readme-fields-'));
writeFileSync(join(dir, 'arrivals.csv'), 'arrival,duration\n1,0.2\n2.5,0.3\n');
const file = join(dir, 's.yaml');
writeFileSync(
  file,
  `name: s
duration: 2m
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }
clients:
  - { name: open, service: hello, open: { rps: 1 } }
  - { name: closed, service: hello, closed: { users: 1 } }
  - { name: when, service: hello, startWhen: { revision: hello-00001, readyPods: 1 }, open: { rps: 1 } }
  - { name: replay, service: hello, trace: { file: arrivals.csv } }
`,
);

/** What knsim builds from the scenario with `sets`, as comparable text. */
function built(sets: string[]): string {
  const l = loadScenario(file, { sets });
  return JSON.stringify({ description: l.description, trace: l.traceMode, series: l.series, world: l.world }, (_, v: unknown) =>
    typeof v === 'function' ? undefined : v,
  );
}

/** Another value of the default's kind: a flipped boolean, the other enum value, one more. */
function another(v: string): string {
  const others: Record<string, string> = { true: 'false', false: 'true', "''": 'x', full: 'none', poisson: 'uniform', simple: 'azure2021' };
  if (others[v] !== undefined) return others[v]!;
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(v);
  expect(m, `a default of a kind this test knows: ${v}`).not.toBeNull();
  return `${Number(m![1]) + 1}${m![2]}`;
}

/**
 * One test per default: `prefix + field = default` added to `base` builds what `base` builds, and
 * another value does not (the trace format's other value is a parse error of the file: also a change).
 */
function defaultsOf(name: string, prefix: string, pairs: Array<[string, string]>, least: number, base: string[] = []) {
  describe(name, () => {
    it(`the README states at least ${least}`, () => expect(pairs.length).toBeGreaterThanOrEqual(least));
    const without = built(base);
    for (const [field, value] of pairs) {
      it(`${prefix}${field}: ${value}`, () => {
        expect(built([...base, `${prefix}${field}=${value}`]) === without, `${prefix}${field}=${value} changes the scenario`).toBe(true);
        const other = `${prefix}${field}=${another(value)}`;
        let changed: boolean;
        try {
          changed = built([...base, other]) !== without;
        } catch {
          changed = true;
        }
        expect(changed, `${other} changes nothing: knsim does not read ${field}`).toBe(true);
      });
    }
  });
}

/** `field` (…, default `value`…) phrases of a table row's meaning. */
const inlineDefaults = (cell: string): Array<[string, string]> => [
  ...new Map([...cell.matchAll(/`(\w+)` \([^()]*?default `([^`]+)`/g), ...cell.matchAll(/`(\w+)` default `([^`]+)`/g)].map((m) => [m[1]!, m[2]!])),
];

describe('README scenario field defaults', () => {
  defaultsOf('top level', '', tableDefaults(section('### Top level'), 3), 4);

  const app = section('#### app');
  defaultsOf('app', 'services[0].app.', tableDefaults(app, 3), 2);
  defaultsOf('app.cpu', 'services[0].app.cpu.', inlineDefaults(row(app, 'cpu')[4]!), 2, ['services[0].app={cpu: {work: 100ms}}']);
  defaultsOf('app.memory', 'services[0].app.memory.', inlineDefaults(row(app, 'memory')[4]!), 1, ['services[0].app.memory={baseline: 100Mi}']);
  defaultsOf('app.stream', 'services[0].app.stream.', inlineDefaults(row(app, 'stream')[4]!), 1, ['services[0].app.stream={interval: 1s}']);

  it('app.webSocket: true closes the sessions on SIGTERM, as { onSigterm: close } and {} do', () => {
    expect(row(app, 'webSocket')[4]).toContain('(`true`, or `onSigterm: close`)');
    const t = built(['services[0].app.webSocket=true']);
    expect(built(['services[0].app.webSocket={onSigterm: close}'])).toBe(t);
    expect(built(['services[0].app.webSocket={}'])).toBe(t);
    expect(built(['services[0].app.webSocket={onSigterm: drain}'])).not.toBe(t);
  });

  // randomStream's default, the client's name, draws the same numbers but is not written into the world.
  const clients = section('### clients');
  defaultsOf('clients', 'clients[0].', tableDefaults(clients, 3), 1);
  it('clients[].end: the scenario duration', () => {
    expect(row(clients, 'end')[3]).toBe('the scenario `duration`');
    expect(built(['clients[0].end=2m'])).toBe(built([]));
    expect(built(['clients[0].end=1m'])).not.toBe(built([]));
  });
  defaultsOf('open', 'clients[0].open.', tableDefaults(section('#### open (open loop)'), 3), 1);
  defaultsOf('closed', 'clients[1].closed.', tableDefaults(section('#### closed (closed loop)'), 3), 1);
  defaultsOf('startWhen', 'clients[2].startWhen.', tableDefaults(section('#### startWhen (load that starts on a condition)'), 3), 1);
  defaultsOf('trace', 'clients[3].trace.', tableDefaults(section('#### trace (replay)'), 3), 4);

  // The faults table's "fields" column: `at` (default 0s), `count` (default 1), …
  const faults = section('##### faults (unhealthy pods)');
  const required: Record<string, string> = { crash: 'at: 10s', slowdown: 'factor: 2' };
  for (const kind of ['readinessFailure', 'crash', 'imagePull', 'slowdown']) {
    const pairs = [...row(faults, kind)[2]!.matchAll(/`(\w+)` \(default ([^;)]+)\)/g)].map((m) => [m[1]!, m[2]!] as [string, string]);
    const fault = `{kind: ${kind}${required[kind] !== undefined ? `, ${required[kind]}` : ''}}`;
    defaultsOf(`faults: ${kind}`, 'services[0].app.faults[0].', pairs, 1, [`services[0].app.faults=[${fault}]`]);
  }

  // The activator updates' index and start-up defaults, as their Type cells word them.
  const updates = section('### Cluster updates');
  const activatorUpdate = (kind: string, field: 'activator' | 'startup'): Array<[string, string]> => {
    const m = field === 'activator' ? /index \([^)]*default (\d+)\)/.exec(row(updates, kind)[2]!) : /duration ≥ 0 \(default (\d+) s\)/.exec(row(updates, kind)[2]!);
    expect(m, `README: ${kind}'s ${field} default`).not.toBeNull();
    return [[field, field === 'startup' ? `${m![1]}s` : m![1]!]];
  };
  const twoActivators = ['cluster.activators=2', 'updates=[{at: 10s, crashActivator: {downtime: 5s}}, {at: 30s, deleteActivator: {}}, {at: 60s, restartActivators: {}}]'];
  defaultsOf('crashActivator', 'updates[0].crashActivator.', activatorUpdate('crashActivator', 'activator'), 1, twoActivators);
  defaultsOf('deleteActivator', 'updates[1].deleteActivator.', [...activatorUpdate('deleteActivator', 'activator'), ...activatorUpdate('deleteActivator', 'startup')], 2, twoActivators);
  defaultsOf('restartActivators', 'updates[2].restartActivators.', activatorUpdate('restartActivators', 'startup'), 1, twoActivators);

  // The node pool example's comments: `minNodes: 1  # default 0`, `maxPods: 110  # kubelet default`, ….
  const pool = section('## Nodes, scheduling and cluster autoscaling');
  const comment = (field: string): string => {
    const m = new RegExp(`\\n\\s+${field}: (.+?)\\s+#[^\\n]*?(kubelet default|default (\\w+))`).exec(pool);
    expect(m, `README: the ${field} comment of the node pool example`).not.toBeNull();
    return m![2] === 'kubelet default' ? m![1]! : m![3]!;
  };
  const autoscaled = ['cluster={nodePools: [{name: a, cpu: "4", memory: 16Gi, pricePerHour: 0.2}], nodeAutoscaler: {kind: cluster-autoscaler}}'];
  defaultsOf(
    'node pools',
    'cluster.nodePools[0].',
    ['minNodes', 'maxPods', 'startupLatency'].map((f) => [f, comment(f)] as [string, string]),
    3,
    autoscaled,
  );
  it('node pools: maxNodes defaults to 1000 with an autoscaler, else initialNodes; initialNodes to minNodes', () => {
    expect(pool).toContain('maxNodes: 10             # default 1000 with an autoscaler, else initialNodes');
    expect(comment('maxNodes')).toBe('1000');
    expect(comment('initialNodes')).toBe('minNodes');
    const base = built(autoscaled);
    expect(built([...autoscaled, 'cluster.nodePools[0].maxNodes=1000'])).toBe(base);
    expect(built([...autoscaled, 'cluster.nodePools[0].maxNodes=999'])).not.toBe(base);
    const fixed = [...autoscaled, 'cluster.nodeAutoscaler={kind: none}', 'cluster.nodePools[0].initialNodes=2'];
    expect(built([...fixed, 'cluster.nodePools[0].maxNodes=2'])).toBe(built(fixed));
    expect(built([...fixed, 'cluster.nodePools[0].maxNodes=3'])).not.toBe(built(fixed));
    const floor = [...autoscaled, 'cluster.nodePools[0].minNodes=2'];
    expect(built([...floor, 'cluster.nodePools[0].initialNodes=2'])).toBe(built(floor));
    expect(built([...floor, 'cluster.nodePools[0].initialNodes=3'])).not.toBe(built(floor));
  });
});
