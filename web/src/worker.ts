/// <reference lib="webworker" />
/**
 * The simulation worker: holds one Session, advances it at the chosen speed (simulated
 * seconds per wall second, or as fast as it can in short bursts), and answers the page:
 * progress, chart specs (the report's own chart builders on the data so far), decision
 * inspections, validation of the editor's text and the run's files.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { pointsPerRevision, timeAxis } from '../../src/output/report/aggregate.js';
import { buildCharts } from '../../src/output/report/charts/index.js';
import { charts } from './live-charts.js';
import { buildHtml } from '../../src/output/report/html.js';
import { loadRunData } from '../../src/output/report/load.js';
import { missingNotes } from '../../src/output/report/missing.js';
import type { RunData } from '../../src/output/report/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { errorSpan } from './error-position.js';
import { adjacentDecision, explainDecision, nearestDecision } from './inspector.js';
import type { ChartOut, FromWorker, ProblemOut, Speed, ToWorker } from './protocol.js';
import { PlaygroundFiles } from './files.js';
import { Pacer } from './pace.js';
import { checkForPlayground, Session } from './session.js';
import { SHIPPED_FILES } from './shipped-files.js';
import { VENDOR_DIR } from './shims/module.js';

declare const self: DedicatedWorkerGlobalScope;

export const SCENARIO_FILE = 'scenario.yaml';
/** Wall time the worker advances a run for (pace.ts) before it listens again, at any speed. */
const BURST_MS = 40;

/** What scenarios may name: the shipped traces and the files the user added. */
const files = new PlaygroundFiles(SHIPPED_FILES);
/** The run Run and Step advance. */
let session: Session | undefined;
/**
 * The run whose results the page shows: the session, or, once a load is refused, the run
 * before it, whose files and decisions stay at hand while the page marks them as its.
 */
let shown: Session | undefined;
let runs = 0;
let running = false;
let speed: Speed = 1;
let lastWall = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let finalCharts: ChartOut[] | undefined;
let finalNotes: string[] | undefined;
/** How far each slice of the run goes; a new one per run, since its pace is the run's. */
let pacer = new Pacer();
/** A Step under way: the count of decisions when it began; it ends at the first decider tick after them. */
let stepFrom: number | undefined;
/** The text and duration field the session was loaded from: a run's own errors are placed in them. */
let loadedText = '';
let loadedDurationGiven = false;
/** An error while the session runs (a limit passed), placed in the scenario it was loaded from. */
const runProblem = (e: unknown): ProblemOut => problem(e, loadedText, loadedDurationGiven);

const post = (m: FromWorker): void => self.postMessage(m);

/** `durationGiven`: the page's duration field overrides the text's, so a refusal of the duration is not the text's line. */
function problem(e: unknown, text: string, durationGiven = false): ProblemOut {
  if (e instanceof ScenarioError) {
    const inText = e.file === SCENARIO_FILE && e.path !== '' && !e.path.startsWith('--set') && !(durationGiven && e.path === 'duration');
    return { message: e.message, span: inText ? errorSpan(text, e.path) : undefined };
  }
  return { message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

function progress(): void {
  const s = session;
  if (s === undefined) return;
  post({
    type: 'progress',
    now: s.now,
    durationSeconds: s.durationSeconds,
    running,
    done: s.done,
    failed: s.failed,
    decisions: s.live.decisions.length,
    ticks: s.live.decisions.filter((d) => !d.poke).length,
    summary: s.summary,
    files: s.files,
  });
}

function finalRunData(s: Session): RunData {
  return loadRunData(s.outDir);
}

function frame(): void {
  timer = undefined;
  const s = session;
  if (s === undefined || !running) return;
  const wall = performance.now();
  try {
    // In slices, within a burst of wall time, so a dense run still hears Pause (pace.ts).
    if (stepFrom !== undefined) {
      // A Step: to the next decider tick, paced like a run, so a dense run's step can be paused too.
      while (!s.done && !s.tickedSince(stepFrom) && performance.now() - wall < BURST_MS) pacer.advance(s, s.nextTickAt(), BURST_MS - (performance.now() - wall));
      if (s.done || s.tickedSince(stepFrom)) stop();
    } else if (speed === 'max') pacer.advance(s, Number.POSITIVE_INFINITY, BURST_MS);
    // Simulated time follows the wall clock (a dense run falls behind it), but a stalled tab does not make it leap.
    else pacer.advance(s, s.now + Math.min(0.5, (wall - lastWall) / 1000) * speed, BURST_MS);
  } catch (e) {
    stop();
    post({ type: 'problem', problem: runProblem(e) });
  }
  lastWall = wall;
  if (s.done) running = false;
  progress();
  if (running) timer = setTimeout(frame, speed === 'max' || stepFrom !== undefined ? 0 : 30);
}

function stop(): void {
  running = false;
  stepFrom = undefined;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}

async function vendorLibraries(): Promise<void> {
  const libs = await import('./vendor-libs.js');
  for (const [pkg, code] of Object.entries(libs.UMD)) {
    mkdirSync(`${VENDOR_DIR}/${pkg}`);
    writeFileSync(`${VENDOR_DIR}/${pkg}/${pkg}.min.js`, code);
  }
}

async function file(name: string): Promise<string | undefined> {
  const s = shown;
  if (s === undefined || !s.done) return undefined;
  if (name !== 'report.html') return s.file(name as Parameters<Session['file']>[0]);
  await vendorLibraries();
  const run = finalRunData(s);
  const axis = timeAxis(run.durationSeconds, pointsPerRevision(run.revisions.length));
  const built = buildCharts({ run, axis, multiService: new Set(run.revisions.map((r) => r.service)).size > 1 });
  return buildHtml({ summary: run.summary, settings: run.settings, axis, charts: built, missing: missingNotes(run) });
}

self.onmessage = (ev: MessageEvent<ToWorker>): void => {
  const m = ev.data;
  switch (m.type) {
    case 'load': {
      stop();
      session = undefined;
      const outDir = `/runs/${++runs}`;
      mkdirSync(outDir);
      try {
        const next = new Session({ text: m.text, file: SCENARIO_FILE, seed: m.seed, durationSeconds: m.durationSeconds, outDir }, files);
        // The page now shows this run: the last one's files go.
        if (shown !== undefined) rmSync(shown.outDir);
        session = shown = next;
        pacer = new Pacer();
        finalCharts = undefined;
        finalNotes = undefined;
        loadedText = m.text;
        loadedDurationGiven = m.durationSeconds !== undefined;
        const l = next.loaded;
        post({
          type: 'loaded',
          name: l.name,
          description: l.description,
          seed: l.world.seed,
          durationSeconds: l.world.durationSeconds,
          revisions: next.settings.revisions.map((r) => r.revision),
          warnings: l.warnings ?? [],
        });
        progress();
      } catch (e) {
        rmSync(outDir);
        post({ type: 'refused', problem: problem(e, m.text, m.durationSeconds !== undefined) });
      }
      return;
    }
    case 'validate': {
      let p: ProblemOut | undefined;
      try {
        checkForPlayground({ text: m.text, file: SCENARIO_FILE, seed: m.seed, durationSeconds: m.durationSeconds }, files);
      } catch (e) {
        p = problem(e, m.text, m.durationSeconds !== undefined);
      }
      post({ type: 'validation', id: m.id, problem: p });
      return;
    }
    case 'play':
      speed = m.speed;
      // Run during a Step: the run goes on from where the step got to.
      stepFrom = undefined;
      if (session !== undefined && !session.done && !session.failed && !running) {
        running = true;
        lastWall = performance.now();
        frame();
      }
      return;
    case 'pause':
      stop();
      progress();
      return;
    case 'step':
      stop();
      if (session !== undefined && !session.done && !session.failed) {
        stepFrom = session.live.decisions.length;
        running = true;
        lastWall = performance.now();
        frame();
      } else progress();
      return;
    case 'charts': {
      const s = session;
      if (s === undefined) {
        post({ type: 'charts', charts: [], final: false, now: 0 });
        return;
      }
      try {
        if (s.done) {
          if (finalCharts === undefined) {
            const run = finalRunData(s);
            finalCharts = charts(run);
            finalNotes = missingNotes(run);
          }
          post({ type: 'charts', charts: finalCharts, final: true, now: s.now, notes: finalNotes ?? [] });
        } else {
          post({ type: 'charts', charts: charts(s.live.runData(), { nowSeconds: s.now }), final: false, now: s.now });
        }
      } catch (e) {
        // The page waits for a reply before it asks again: give one, with the reason.
        post({ type: 'problem', problem: problem(e, '') });
        post({ type: 'charts', charts: [], final: s.done, now: s.now });
      }
      return;
    }
    case 'inspect': {
      const s = shown;
      const rows = s?.live.decisions ?? [];
      // At either end a step stays on the tick shown.
      const row = m.direction === undefined ? nearestDecision(rows, m.time, m.revision) : (adjacentDecision(rows, m.time, m.revision, m.direction) ?? nearestDecision(rows, m.time, m.revision));
      const settings = row === undefined ? undefined : s!.settings.revisions.find((r) => r.service === row.service && r.revision === row.revision);
      post({ type: 'inspection', explanation: row === undefined ? undefined : explainDecision(s!.live.decisions, row, settings) });
      return;
    }
    case 'addFiles':
      for (const f of m.files) files.add(f.path, f.bytes);
      post({ type: 'files', paths: files.list() });
      return;
    case 'file':
      void file(m.name).then((text) => post({ type: 'file', name: m.name, text }));
      return;
  }
};
