/**
 * "Same code, same inputs": a simulated run's metric series (every stat the autoscaler
 * recorded, the ready pods at each evaluation, each reconcile's inputs) is fed through
 * the decision loop as the controller adapter runs it (its own model of the SKS, a fresh
 * loop per revision) at the same clock times, and its decisions must
 * equal the simulator's autoscaler.csv row for row: desired, want, EBC, validity, panic
 * and the observed values.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DecisionLoop,
  type DecisionLoopInit,
  type DecisionRecord,
  type DecisionTick,
  type KpaScaleOutput,
  type PipelineReconcileInput,
  type PodStat,
  type ReconcileCause,
  type RevisionAutoscaling,
} from '../../src/core/autoscaler/index.js';
import type { Pod } from '../../src/model/pod.js';
import type { PodEvent, Recorder } from '../../src/model/recorder.js';
import type { Request } from '../../src/model/request.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { num } from '../../src/output/csv-writer.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

type Ev =
  | { k: 'stat'; rev: string; stat: PodStat; source: 'scrape' | 'activator' }
  | { k: 'reconcile'; rev: string; time: number; input: PipelineReconcileInput; output: KpaScaleOutput; cause: ReconcileCause; reachable: boolean }
  | { k: 'decision'; rev: string; time: number; readyPods: number; poke: boolean }
  | { k: 'restart'; rev: string; time: number; autoscaling: RevisionAutoscaling; restart: DecisionLoopInit['restart'] };

/** Forwards everything to the real RunRecorder (which writes autoscaler.csv) and logs the autoscaler's inputs in order. */
class CapturingRecorder implements Recorder {
  readonly log: Ev[] = [];
  readonly created = new Map<string, { time: number; autoscaling: RevisionAutoscaling; initialPods: number | undefined }>();
  constructor(readonly inner: RunRecorder) {}
  request(req: Request): void {
    this.inner.request(req);
  }
  podTransition(pod: Pod, event: PodEvent, now: number): void {
    this.inner.podTransition(pod, event, now);
  }
  traffic(service: string, now: number, percents: ReadonlyMap<string, number>): void {
    this.inner.traffic(service, now, percents);
  }
  sample(rev: Revision, now: number): void {
    this.inner.sample(rev, now);
  }
  decision(d: DecisionRecord, rev: Revision): void {
    this.inner.decision(d, rev);
    this.log.push({ k: 'decision', rev: d.revision, time: d.time, readyPods: d.readyPods, poke: d.poke });
  }
  autoscalerRestarted(rev: Revision, now: number, init: { autoscaling: RevisionAutoscaling; restart: DecisionLoopInit['restart'] }): void {
    this.log.push({ k: 'restart', rev: rev.spec.name, time: now, autoscaling: init.autoscaling, restart: structuredClone(init.restart) });
  }
  stat(rev: Revision, stat: PodStat, source: 'scrape' | 'activator'): void {
    this.log.push({ k: 'stat', rev: rev.spec.name, stat: { ...stat }, source });
  }
  reconcile(rev: Revision, time: number, input: PipelineReconcileInput, output: KpaScaleOutput, cause: ReconcileCause): void {
    const name = rev.spec.name;
    if (!this.created.has(name)) this.created.set(name, { time, autoscaling: rev.spec.autoscaling, initialPods: rev.spec.initialPods });
    this.log.push({
      k: 'reconcile',
      rev: name,
      time,
      input: structuredClone(input),
      output: structuredClone(output),
      cause,
      reachable: rev.autoscaler.reachable,
    });
  }
}

interface CsvRow {
  revision: string;
  ready: string;
  observedStable: string;
  observedPanic: string;
  desired: string;
  want: string;
  inPanic: string;
  ebc: string;
  valid: string;
  poke: string;
}

function readAutoscalerCsv(path: string): CsvRow[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const at = (name: string): number => cols.indexOf(name);
  return lines.map((line) => {
    const c = line.split(',');
    return {
      revision: c[at('revision')]!,
      ready: c[at('ready_pods')]!,
      observedStable: c[at('observed_stable')]!,
      observedPanic: c[at('observed_panic')]!,
      desired: c[at('desired')]!,
      want: c[at('want')]!,
      inPanic: c[at('in_panic')]!,
      ebc: c[at('excess_burst_capacity')]!,
      valid: c[at('valid')]!,
      poke: c[at('poke')]!,
    };
  });
}

/** Replays the log through a DecisionLoop as the adapter drives it; returns its rows (as autoscaler.csv would print them) and reconcile mismatches. */
function replay(cap: CapturingRecorder): { rows: CsvRow[]; reconcileMismatches: string[]; reconciles: number } {
  const loops = new Map<string, DecisionLoop>();
  const ahead = new Map<string, DecisionTick>();
  const pokes = new Map<string, boolean>();
  const rows: CsvRow[] = [];
  const mismatches: string[] = [];
  let reconciles = 0;
  const loopOf = (rev: string): DecisionLoop => {
    let l = loops.get(rev);
    if (!l) {
      const c = cap.created.get(rev);
      if (!c) throw new Error(`${rev}: event before creation`);
      l = new DecisionLoop({ revision: rev, autoscaling: c.autoscaling, nowSeconds: c.time, existingPods: c.initialPods, staleAfterSeconds: 5 });
      loops.set(rev, l);
    }
    return l;
  };
  const log = cap.log;
  for (let i = 0; i < log.length; i++) {
    const ev = log[i]!;
    if (ev.k === 'restart') {
      // Knative's autoscaler restarted: the adapter's loop starts over from the same stored state (a revision it had not reconciled starts at its first reconcile).
      if (ev.restart !== undefined) loops.set(ev.rev, new DecisionLoop({ revision: ev.rev, autoscaling: ev.autoscaling, nowSeconds: ev.time, restart: ev.restart, staleAfterSeconds: 5 }));
      continue;
    }
    const loop = loopOf(ev.rev);
    if (ev.k === 'stat') {
      if (ev.source === 'scrape') loop.recordScrape(ev.stat);
      else pokes.set(ev.rev, loop.recordPushed(ev.stat));
    } else if (ev.k === 'reconcile') {
      loop.setReachable(ev.reachable);
      if (ev.cause === 'notify') {
        // The evaluation that notified comes first; its decision row is logged after the reconcile(s).
        const d = log.slice(i + 1).find((e): e is Extract<Ev, { k: 'decision' }> => e.k === 'decision' && e.rev === ev.rev);
        if (!d) throw new Error(`${ev.rev}@${ev.time}: notify without a decision`);
        const dec = loop.decide(d.time, d.readyPods, d.poke);
        if (!dec.notify) mismatches.push(`${ev.rev}@${ev.time}: the simulator notified, the adapter did not`);
        ahead.set(ev.rev, dec);
      }
      const r = loop.reconcile(ev.time, {
        pods: ev.input.pods,
        deploymentReplicas: ev.input.deploymentReplicas,
        sks: {
          specMode: ev.input.sks.specMode,
          activatorEndpointsPopulatedSinceSeconds: ev.input.sks.activatorEndpointsPopulatedSinceSeconds,
          activatorInPath: ev.input.activatorInPath,
        },
      });
      reconciles++;
      const got = JSON.stringify({ ...r.output, state: loop.pa });
      const want = JSON.stringify(ev.output);
      if (got !== want) mismatches.push(`${ev.rev}@${ev.time} (${ev.cause}): adapter ${got} ≠ simulator ${want}`);
    } else {
      let dec = ahead.get(ev.rev);
      ahead.delete(ev.rev);
      if (!dec) {
        dec = loop.decide(ev.time, ev.readyPods, ev.poke);
        if (dec.notify) mismatches.push(`${ev.rev}@${ev.time}: the adapter notified, the simulator did not`);
      }
      if (ev.poke && pokes.get(ev.rev) !== true) mismatches.push(`${ev.rev}@${ev.time}: a poke the adapter's loop did not ask for`);
      pokes.delete(ev.rev);
      const row = loop.record(dec, loop.sksSpec);
      rows.push({
        revision: ev.rev,
        ready: String(row.readyPods),
        observedStable: num(row.observedStable),
        observedPanic: num(row.observedPanic),
        desired: String(row.desired),
        want: String(row.want),
        inPanic: row.inPanic ? '1' : '0',
        ebc: String(row.excessBurstCapacity),
        valid: row.valid ? '1' : '0',
        poke: row.poke ? '1' : '0',
      });
    }
  }
  return { rows, reconcileMismatches: mismatches, reconciles };
}

const scenariosDir = resolve(import.meta.dirname, '../../scenarios');
const tmp = mkdtempSync(join(tmpdir(), 'knsim-replay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const simulated = new Map<string, { cap: CapturingRecorder; csv: CsvRow[] }>();

function simulate(file: string): { cap: CapturingRecorder; csv: CsvRow[] } {
  const done = simulated.get(file);
  if (done) return done;
  const loaded = loadScenario(join(scenariosDir, file));
  const out = join(tmp, file.replace(/\.yaml$/, ''));
  const inner = new RunRecorder({ outDir: out, trace: { mode: 'none' } });
  const cap = new CapturingRecorder(inner);
  const world = new World(loaded.world, cap);
  world.run();
  inner.finish({ scenario: loaded.name, seed: loaded.world.seed, simulatedSeconds: loaded.world.durationSeconds, events: world.sim.events, wallSeconds: 0 });
  const result = { cap, csv: readAutoscalerCsv(join(out, 'autoscaler.csv')) };
  simulated.set(file, result);
  return result;
}

const files = readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml')).sort();

describe('the adapter decides as the simulator does, given the same metric series', () => {
  it.each(files)('%s: every autoscaler.csv row is reproduced', (file) => {
    const { cap, csv } = simulate(file);
    const { rows, reconcileMismatches, reconciles } = replay(cap);
    expect(csv.length).toBeGreaterThan(0);
    expect(reconciles).toBeGreaterThan(0);
    expect(reconcileMismatches).toEqual([]);
    expect(rows.length).toBe(csv.length);
    const diffs: string[] = [];
    rows.forEach((r, i) => {
      const c = csv[i]!;
      if (JSON.stringify(r) !== JSON.stringify(c)) diffs.push(`row ${i + 1}: adapter ${JSON.stringify(r)} ≠ csv ${JSON.stringify(c)}`);
    });
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it('the replayed runs exercise what matters: scale up, panic, scale to zero, pokes and invalid ticks', () => {
    const all = files.flatMap((f) => simulate(f).csv);
    expect(all.some((r) => Number(r.desired) >= 5)).toBe(true);
    expect(all.some((r) => r.inPanic === '1')).toBe(true);
    expect(all.some((r) => r.want === '0')).toBe(true);
    expect(all.some((r) => r.poke === '1')).toBe(true);
    expect(all.some((r) => r.valid === '0')).toBe(true);
  });
});
