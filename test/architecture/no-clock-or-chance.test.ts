/**
 * The simulation reads no clock and no ambient randomness (README, Determinism): src/core,
 * src/engine and src/model never name Math.random, Date, performance, timers or the process,
 * import no package but seedrandom (seeded explicitly), and a run of shipped scenarios with
 * every such source made to throw still completes, which also covers what a dependency would
 * reach at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { clusterOutputs, servesWebSockets } from '../../src/run/run-options.js';
import { loadScenario } from '../../src/scenario/load.js';
import { importsOf, tokenize } from './import-graph.js';

const root = resolve(import.meta.dirname, '../..');
const SIMULATION = ['src/core', 'src/engine', 'src/model'];

/** Globals that read a clock or chance, or run code later than the event queue says. */
const BANNED = new Set(['Date', 'performance', 'crypto', 'globalThis', 'global', 'process', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'require', 'eval', 'Function', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics']);

function files(): string[] {
  return SIMULATION.flatMap((dir) => (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f.split('\\').join('/')}`));
}

/** `file: word` for every banned global, and every Math.random or Math[…], outside comments and strings. */
export function ambientUses(file: string, src: string): string[] {
  const t = tokenize(src);
  const out: string[] = [];
  for (let k = 0; k < t.length; k++) {
    const tok = t[k]!;
    if (tok.kind !== 'word') continue;
    // A property (spec.process, sim.random) is the simulation's own.
    const isProperty = t[k - 1]?.kind === 'punct' && t[k - 1]!.text === '.';
    if (isProperty) continue;
    const next = t[k + 1];
    const after = t[k + 2];
    // …and so is a property's declaration (`process: 'poisson' | 'uniform'`, `process?: …`).
    const isKey = next?.kind === 'punct' && (next.text === ':' || next.text === '?');
    if (BANNED.has(tok.text) && !isKey) out.push(`${file}: ${tok.text}`);
    if (tok.text === 'Math' && next?.kind === 'punct' && next.text === '[') out.push(`${file}: Math[`);
    if (tok.text === 'Math' && next?.kind === 'punct' && next.text === '.' && after?.kind === 'word' && after.text === 'random') out.push(`${file}: Math.random`);
  }
  return out;
}

describe('src/core, src/engine and src/model read no clock and no ambient randomness', () => {
  const all = files();

  it('finds the files (a floor, so an empty scan cannot pass)', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContain('src/engine/random.ts');
  });

  it('name none of Math.random, Date, performance, crypto, timers or the process', () => {
    expect(all.flatMap((f) => ambientUses(f, readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('the scan sees through spacing and brackets, and not into comments, strings or properties', () => {
    expect(ambientUses('x.ts', 'const u = Math . random();')).toEqual(['x.ts: Math.random']);
    expect(ambientUses('x.ts', "const u = Math['rand' + 'om']();")).toEqual(['x.ts: Math[']);
    expect(ambientUses('x.ts', 'const t = Date.now() + performance.now();')).toEqual(['x.ts: Date', 'x.ts: performance']);
    expect(ambientUses('x.ts', 'const g = globalThis; setTimeout(f, 0);')).toEqual(['x.ts: globalThis', 'x.ts: setTimeout']);
    expect(ambientUses('x.ts', '// Math.random and Date.now\nconst s = "Date.now"; x.process; sim.random.next(); Math.floor(1);')).toEqual([]);
  });

  it('import no package but seedrandom, and only the engine’s random streams do', () => {
    const bare = all.flatMap((f) => importsOf(readFileSync(join(root, f), 'utf8')).filter((s) => !s.specifier.startsWith('.')).map((s) => `${f}: ${s.specifier}`));
    expect(bare).toEqual(['src/engine/random.ts: seedrandom']);
  });

  it('seed every seedrandom generator they make (an unseeded one reads the clock)', () => {
    const src = readFileSync(join(root, 'src/engine/random.ts'), 'utf8');
    const calls = [...src.matchAll(/seedrandom\s*\.\s*(\w+)\s*\(([^,)]*)/g)].map((m) => `${m[1]}(${m[2]})`);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c).toBe('alea(`${seed}/${name}`)');
  });
});

describe('a run with every clock and ambient random source made to throw', () => {
  const saved = { random: Math.random, now: Date.now, perf: performance.now, Date: globalThis.Date, gv: globalThis.crypto.getRandomValues, uuid: globalThis.crypto.randomUUID };
  const trap = (what: string) => () => {
    throw new Error(`${what} read during a simulation run`);
  };
  afterEach(() => {
    Math.random = saved.random;
    Date.now = saved.now;
    performance.now = saved.perf;
    globalThis.Date = saved.Date;
    globalThis.crypto.getRandomValues = saved.gv;
    globalThis.crypto.randomUUID = saved.uuid;
  });

  function trapAll(): void {
    Math.random = trap('Math.random');
    Date.now = trap('Date.now');
    performance.now = trap('performance.now');
    const RealDate = saved.Date;
    // new Date() reads the clock (and Date() without new throws for a class); a Date of a given time does not.
    globalThis.Date = class extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) throw new Error('the clock (new Date()) read during a simulation run');
        super(...(args as [number]));
      }
      static override now = trap('Date.now');
    } as unknown as DateConstructor;
    globalThis.crypto.getRandomValues = trap('crypto.getRandomValues') as typeof crypto.getRandomValues;
    globalThis.crypto.randomUUID = trap('crypto.randomUUID') as typeof crypto.randomUUID;
  }

  // Between them: open and closed loop, a trace, CPU and memory models, node pools with the
  // Cluster Autoscaler and Karpenter, the HPA class, crashes, hangs and a mesh.
  const scenarios = ['quickstart', 'hello-world', 'wait-for-zero', 'azure-trace', 'kpa-vs-hpa', 'capacity-planning', 'karpenter-drift', 'memory-pressure', 'crash-recovery', 'hang', 'mesh', 'llm-streaming', 'websocket-scale-down', 'activator-crash'];
  for (const name of scenarios) {
    it(`${name}: the world and the recorder run to the end`, () => {
      const { world: spec } = loadScenario(`scenarios/${name}.yaml`, { durationSeconds: 240 });
      trapAll();
      const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: clusterOutputs(spec), webSockets: servesWebSockets(spec) });
      const world = new World(spec, recorder);
      world.run();
      expect(world.sim.now).toBe(240);
      expect(world.sim.events).toBeGreaterThan(100);
    });
  }

  it('the traps do fire (so a run that reads a clock fails here)', () => {
    trapAll();
    expect(() => Math.random()).toThrow(/Math.random read/);
    expect(() => new Date()).toThrow(/clock/);
    expect(new Date(0).getTime()).toBe(0);
    expect(() => performance.now()).toThrow(/performance.now/);
  });
});
