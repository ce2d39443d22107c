/**
 * Fuzzing the loader and a short run with mutated shipped scenarios: every file must
 * either load and run, or be refused with one ScenarioError line of at most 300
 * characters that names where (a field path, or a line of the file). Deterministic: a
 * seeded generator picks the mutations, and no wall clock is involved; hangs are
 * guarded by the work limits and the engine's no-progress stop.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { World } from '../../src/model/world.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { checkWork, DEFAULT_WORK_LIMITS, guardProgress } from '../../src/scenario/work-estimate.js';
import { SCENARIOS } from './helpers.js';
import { rng } from '../support/rng.js';

const FILES = 2000;
const CHUNKS = 8;
/** Accepted scenarios run this long at most, with these limits, so the test stays short. */
const RUN_SECONDS = 1;
const RUN_LIMITS = { requests: 20_000, pods: 500, users: 500, events: 5_000, inFlight: DEFAULT_WORK_LIMITS.inFlight, nodeLaunches: DEFAULT_WORK_LIMITS.nodeLaunches };

const ODD_VALUES: unknown[] = [
  0, -1, 1.5, 1e12, -1e12, 1e308, -1e308, 1e-300, 5e-324, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
  '', ' ', '0', '-5s', '1e12', 'NaN', '.inf', '10 years', '876000h', '1ns', '9999999999999999999h', 'ｈｅｌｌｏ', 'é', '🙂'.repeat(50), '\u0000', 'a\nb', '\uFFFD',
  'x'.repeat(5000), null, true, false, [], [1, 2], {}, { a: 1 }, { dist: 'constant', value: 0 }, { dist: 'exponential', mean: 1e-300 },
];

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** Every container in the document with a path to it, for picking a place to mutate. */
function containers(root: Json): Container[] {
  const out: Container[] = [];
  const walk = (v: Json): void => {
    if (typeof v !== 'object' || v === null) return;
    out.push(v as Container);
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(root);
  return out;
}

function nest(depth: number, leaf: Json): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** One structural mutation of a parsed scenario. */
function mutateValue(doc: Json, r: () => number): void {
  const all = containers(doc);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // A fresh copy each time: the shared [] or { a: 1 } put into two places (or into itself, by a
  // later edit) would make the document a graph with cycles, which no YAML file can be.
  const odd = (): Json => structuredClone(pick(ODD_VALUES));
  const c = pick(all);
  const keys: Array<string | number> = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
  const set = (k: string | number, v: Json): void => {
    // Assigning __proto__ would set the prototype; the mutation wants the key.
    Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
  };
  const op = Math.floor(r() * 8);
  if (keys.length === 0 || op === 0) {
    // Add a key or item: unknown, __proto__, or a known-looking one.
    if (Array.isArray(c)) c.push(odd());
    else set(pick(['extra', '__proto__', 'rps', 'users', 'min-scale', 'initialPods', 'duration', 'ｎａｍｅ']), odd());
    return;
  }
  const k = pick(keys);
  switch (op) {
    case 1: // delete
      if (Array.isArray(c)) c.splice(k as number, 1);
      else delete (c as Record<string, Json>)[k as string];
      return;
    case 2: // duplicate into another container
      {
        const other = pick(all);
        const v = structuredClone((c as Record<string | number, Json>)[k]);
        if (Array.isArray(other)) other.push(v);
        else other[String(k)] = v;
      }
      return;
    case 3: // swap type
    case 4: {
      const v = (c as Record<string | number, Json>)[k];
      const swaps: Json[] = typeof v === 'number' ? [String(v), [v], { v }, v > 0 ? -v : 1e12] : typeof v === 'string' ? [Number(v.replace(/[^0-9.]/g, '')) || 7, [v], v + v, v.toUpperCase()] : [odd(), 'x', 0];
      set(k, pick(swaps));
      return;
    }
    case 5: // an odd value
      set(k, odd());
      return;
    case 6: // scale a number wildly
      {
        const v = (c as Record<string | number, Json>)[k];
        set(k, typeof v === 'number' ? v * pick([1e6, 1e-9, -1, 1e300]) : typeof v === 'string' && /^\d/.test(v) ? `${pick(['0', '1e9', '-', '99999'])}${v}` : odd());
      }
      return;
    default: // deep nesting
      set(k, nest(1 + Math.floor(r() * 200), odd()));
  }
}

/** Text-level mutations: aliases, bombs, bad bytes, odd characters, cut files. */
function mutateText(text: string, r: () => number): Buffer {
  const lines = text.split('\n');
  const at = Math.floor(r() * lines.length);
  switch (Math.floor(r() * 8)) {
    case 0: {
      const bomb = ['lol0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 9; i++) bomb.push(`lol${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
      return Buffer.from(`${text}\n${bomb.join('\n')}\n`);
    }
    case 1: // an anchor reused through an alias
      return Buffer.from(text.replace(/^services:/m, 'x-base: &base { dist: constant, value: 0 }\nservices:').replace(/serviceTime: [^\n]+/, 'serviceTime: *base'));
    case 2: {
      const b = Buffer.from(text);
      const pos = Math.floor(r() * b.length);
      return Buffer.concat([b.subarray(0, pos), Buffer.from([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]][Math.floor(r() * 4)]!), b.subarray(pos)]);
    }
    case 3:
      lines.splice(at, 1);
      return Buffer.from(lines.join('\n'));
    case 4:
      lines.splice(at, 0, lines[at] ?? '');
      return Buffer.from(lines.join('\n'));
    case 5:
      return Buffer.from(text.slice(0, Math.floor(r() * text.length)));
    case 6:
      return Buffer.from(`${'['.repeat(2000 + Math.floor(r() * 20000))}\n${text}`);
    default:
      lines[at] = `${lines[at] ?? ''}${['  ', ' #', ': :', '\t', ' "\\u0000"', ' ✓', ' &a', ' *nope', ' !!binary x'][Math.floor(r() * 9)]}`;
      return Buffer.from(lines.join('\n'));
  }
}

interface Outcome {
  ran: number;
  refused: number;
  crashes: string[];
  badMessages: string[];
}

function runOne(file: string, outcome: Outcome): void {
  try {
    const loaded = loadScenario(file);
    checkWork(loaded);
    const world = { ...loaded.world, durationSeconds: Math.min(loaded.world.durationSeconds, RUN_SECONDS) };
    const short = { ...loaded, world };
    checkWork(short, RUN_LIMITS);
    const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' } });
    const w = new World(world, recorder);
    w.sim.maxEventsAtOneInstant = 100_000;
    guardProgress(short, () => w.run());
    recorder.finish({ scenario: world.name, seed: world.seed, simulatedSeconds: world.durationSeconds, events: w.sim.events, wallSeconds: 0 });
    outcome.ran++;
  } catch (e) {
    if (!(e instanceof ScenarioError)) {
      outcome.crashes.push(`${file}: ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`);
      return;
    }
    outcome.refused++;
    const m = e.message;
    if (/[\r\n]/.test(m) || m.length > 300 || e.path === '') outcome.badMessages.push(`${file}: (${m.length} chars) ${m.slice(0, 400)}`);
  }
}

describe('fuzzing the loader and a short run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-fuzz-'));
  cpSync(join(SCENARIOS, 'traces'), join(dir, 'traces'), { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bases = readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    // The expect: blocks at the end are for knsim test; the fuzzer mutates the scenarios themselves.
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), text: readFileSync(join(SCENARIOS, f), 'utf8').replace(/\nexpect:\n[\s\S]*$/, '\n') }));

  // One generator for the whole sequence, in chunks so that progress shows and no single test runs long.
  const r = rng(20_251_202);
  const total: Outcome = { ran: 0, refused: 0, crashes: [], badMessages: [] };
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const from = (chunk * FILES) / CHUNKS;
    const to = ((chunk + 1) * FILES) / CHUNKS;
    it(`files ${from}-${to - 1}: 0 crashes, 0 hangs, every refusal one line ≤ 300 characters naming where`, () => {
      const outcome: Outcome = { ran: 0, refused: 0, crashes: [], badMessages: [] };
      for (let n = from; n < to; n++) {
        const base = bases[n % bases.length]!;
        let bytes: Buffer;
        if (r() < 0.3) bytes = mutateText(base.text, r);
        else {
          const doc = parse(base.text) as Json;
          const edits = 1 + Math.floor(r() * 3);
          for (let k = 0; k < edits; k++) mutateValue(doc, r);
          bytes = Buffer.from(stringify(doc, { aliasDuplicateObjects: false }));
        }
        const file = join(dir, `${base.name}-${n}.yaml`);
        writeFileSync(file, bytes);
        runOne(file, outcome);
        rmSync(file);
      }
      expect(outcome.crashes).toEqual([]);
      expect(outcome.badMessages).toEqual([]);
      expect(outcome.ran + outcome.refused).toBe(to - from);
      total.ran += outcome.ran;
      total.refused += outcome.refused;
    }, 300_000);
  }

  it(`all ${FILES} files went through, and both branches were exercised`, () => {
    expect(total.ran + total.refused).toBe(FILES);
    // A fuzzer that only ever refuses (or only ever runs) tests little. (Most mutations end up
    // refused: an added or moved key inside a Knative manifest is a field kubectl refuses too.)
    // About 6 % run (124 of the 2,000 with the 26 shipped scenarios of December 2026).
    expect(total.ran).toBeGreaterThan(FILES / 20);
    expect(total.refused).toBeGreaterThan(FILES / 4);
  });

  it('the default limits are the documented ones', () => {
    expect(DEFAULT_WORK_LIMITS).toEqual({ requests: 1e9, pods: 100_000, users: 100_000, events: 1e10, inFlight: 2_000_000, nodeLaunches: 100_000 });
  });
});
