/**
 * The playground page: the editor, the controls, live charts (the report's charts, which
 * the worker builds and compiles to Vega; chart-board.ts draws them), the decision inspector, share links and
 * downloads. Everything heavy runs in the worker; the page only draws.
 */
import { basicSetup, EditorView } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { forceLinting, linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { StateEffect } from '@codemirror/state';
import { timeAxis, xAt } from '../../src/output/report/aggregate.js';
import { ChartBoard, warmUp } from './chart-board.js';
import { overrideFields } from './fields.js';
import type { Explanation } from './inspector.js';
import type { ChartOut, FromWorker, ProblemOut, Progress, Speed, ToWorker } from './protocol.js';
import { PRESETS, DEFAULT_PRESET, presetHolding, runLabel } from './presets.js';
import { formatEta, percentDone, RunEta } from './eta.js';
import { decodeShare, durationField, encodeShare } from './share.js';
import { renderSummary } from './summary-view.js';
import './style.css';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);

const ui = {
  preset: $<HTMLSelectElement>('preset'),
  seed: $<HTMLInputElement>('seed'),
  duration: $<HTMLInputElement>('duration'),
  speed: $<HTMLSelectElement>('speed'),
  problem: $('problem'),
  status: $('status'),
  stale: $('stale'),
  summary: $('summary'),
  downloads: $('downloads'),
  charts: $('charts'),
  chartNotes: $('chart-notes'),
  inspection: $('inspection'),
  inspectRevision: $<HTMLSelectElement>('inspect-revision'),
  inspectTime: $<HTMLInputElement>('inspect-time'),
  files: $('files'),
  addFiles: $<HTMLInputElement>('add-files'),
};

// ---------------------------------------------------------------- worker replies

let validationId = 0;
const pendingValidations = new Map<number, (p: ProblemOut | undefined) => void>();
const pendingFiles = new Map<string, (text: string | undefined) => void>();
/** The scenario the worker's session was loaded from (to know when Run must reload). */
let loadedKey: string | undefined;
let progress: Progress | undefined;
let loadedDuration = 0;
/** The run the summary, files, charts and inspector are of (the last one loaded); `name` as the page calls it (runLabel). */
let shownRun: { name: string; seed: number } | undefined;
/** The texts sent to load, oldest first: the worker answers each, in order, loaded or refused. */
const loading: string[] = [];
/** A Run was refused since: those results are not the editor's scenario's, and say so. */
let stale = false;

function fields(): ReturnType<typeof overrideFields> {
  return overrideFields(ui.seed.value, ui.duration.value);
}

/** A problem of the seed or duration field (fields.ts), not of the scenario text. */
const FIELD_PROBLEM = /^(seed|duration): /;

/** Whether the message line shows a problem (not warnings): editing the text then keeps it current. */
let problemShown = false;

function showProblem(p: ProblemOut | undefined): void {
  problemShown = p !== undefined;
  // A YAML error's message already names its line ("…: line 28, column 3: …").
  const prefix = p?.span !== undefined && !p.message.includes(`line ${p.span.line}`) ? `line ${p.span.line}: ` : '';
  ui.problem.textContent = p === undefined ? '' : `${prefix}${p.message}`;
}

worker.onmessage = (ev: MessageEvent<FromWorker>): void => {
  const m = ev.data;
  switch (m.type) {
    case 'validation':
      pendingValidations.get(m.id)?.(m.problem);
      pendingValidations.delete(m.id);
      return;
    case 'problem':
      showProblem(m.problem);
      loadedKey = undefined;
      return;
    case 'refused':
      loading.shift();
      showProblem(m.problem);
      refuse();
      return;
    case 'loaded':
      showProblem(undefined);
      setStale(false);
      shownRun = { name: runLabel(m.name, loading.shift() ?? ''), seed: m.seed };
      loadedDuration = m.durationSeconds;
      ui.inspectRevision.replaceChildren(...m.revisions.map((r) => new Option(r, r)));
      ui.summary.replaceChildren();
      ui.downloads.replaceChildren();
      ui.inspection.replaceChildren();
      clearCharts();
      if (m.warnings.length > 0) ui.problem.textContent = m.warnings.map((w) => `warning: ${w}`).join('\n');
      return;
    case 'progress':
      onProgress(m);
      return;
    case 'charts':
      void drawCharts(m.charts, m.final, m.now, m.notes);
      return;
    case 'inspection':
      showInspection(m.explanation);
      return;
    case 'files':
      ui.files.textContent = m.paths.length === 0 ? 'No files.' : `Files: ${m.paths.join(', ')}`;
      document.body.dataset['files'] = m.paths.join(',');
      // The editor's scenario may name a file that was missing until now: check it again.
      editor.dispatch({ effects: filesChanged.of(null) });
      forceLinting(editor);
      return;
    case 'file':
      pendingFiles.get(m.name)?.(m.text);
      pendingFiles.delete(m.name);
      return;
  }
};

// ---------------------------------------------------------------- editor

function validate(text: string): Promise<ProblemOut | undefined> {
  let f: ReturnType<typeof fields>;
  try {
    f = fields();
  } catch (e) {
    return Promise.resolve({ message: (e as Error).message });
  }
  const id = ++validationId;
  return new Promise((resolve) => {
    pendingValidations.set(id, resolve);
    send({ type: 'validate', id, text, ...f });
  });
}

/** The files a scenario may name changed (the editor's text did not). */
const filesChanged = StateEffect.define<null>();

const editor = new EditorView({
  parent: $('editor'),
  extensions: [
    basicSetup,
    yaml(),
    lintGutter(),
    linter(async (view): Promise<Diagnostic[]> => {
      const p = await validate(view.state.doc.toString());
      // A problem shown by the last Run follows the text: replaced by the current one, or cleared once it is fixed.
      // A refused seed or duration follows its field instead (see the fields' oninput).
      if (problemShown && !FIELD_PROBLEM.test(ui.problem.textContent ?? '')) showProblem(p);
      const len = view.state.doc.length;
      if (p === undefined) return [];
      const from = Math.min(p.span?.from ?? 0, len);
      const to = Math.min(Math.max(p.span?.to ?? from, from), len);
      return [{ from, to, severity: 'error', message: p.message }];
    }, { delay: 300, needsRefresh: (u) => u.transactions.some((t) => t.effects.some((e) => e.is(filesChanged))) }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) showPresetHeld();
    }),
  ],
});

function setText(text: string): void {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}

// ---------------------------------------------------------------- controls

function key(): string {
  return JSON.stringify([editor.state.doc.toString(), ui.seed.value.trim(), ui.duration.value.trim()]);
}

function load(): boolean {
  let f: ReturnType<typeof fields>;
  try {
    f = fields();
  } catch (e) {
    showProblem({ message: (e as Error).message });
    refuse();
    return false;
  }
  const text = editor.state.doc.toString();
  loading.push(text);
  send({ type: 'load', text, ...f });
  loadedKey = key();
  return true;
}

/**
 * Run, Step or Restart was refused (a field here, or the scenario in the worker): nothing
 * runs, and the next Run loads the editor's scenario afresh. The last run's results stay
 * for comparison, dimmed under a line naming their run, so no one takes them (or their
 * files) for the refused scenario's.
 */
function refuse(): void {
  loadedKey = undefined;
  if (progress?.running === true) {
    // The last run was still going (a field was refused before any load): hold it.
    send({ type: 'pause' });
    progress = { ...progress, running: false };
  }
  ui.status.textContent = 'Refused: the scenario did not run (the message is under the editor).';
  document.body.dataset['state'] = 'refused';
  setStale(shownRun !== undefined);
}

function runState(p: Progress): string {
  return p.done ? 'done' : p.failed ? 'stopped' : p.running ? 'running' : 'paused';
}

function setStale(on: boolean): void {
  stale = on;
  if (!on || shownRun === undefined || progress === undefined) {
    delete document.body.dataset['stale'];
    ui.stale.textContent = '';
    return;
  }
  document.body.dataset['stale'] = '1';
  const p = progress;
  const at = p.done ? `${p.durationSeconds} s simulated` : `t = ${p.now.toFixed(1)} s of ${p.durationSeconds} s, ${runState(p)}`;
  ui.stale.textContent = `Below: the previous run's results and files (${shownRun.name}, seed ${shownRun.seed}, ${at}), not the refused scenario's.`;
}

const speed = (): Speed => (ui.speed.value === 'max' ? 'max' : (Number(ui.speed.value) as Speed));

$('run').onclick = () => {
  if (loadedKey !== key() || progress?.done === true) if (!load()) return;
  send({ type: 'play', speed: speed() });
};
// A refused seed or duration is said until the field is fixed, not until the scenario text changes.
for (const field of [ui.seed, ui.duration]) {
  field.oninput = () => {
    if (!problemShown || !FIELD_PROBLEM.test(ui.problem.textContent ?? '')) return;
    try {
      fields();
      showProblem(undefined);
    } catch (e) {
      showProblem({ message: (e as Error).message });
    }
  };
}
$('pause').onclick = () => send({ type: 'pause' });
$('step').onclick = () => {
  if (loadedKey !== key()) if (!load()) return;
  send({ type: 'step' });
};
$('restart').onclick = () => {
  if (load()) send({ type: 'play', speed: speed() });
};
ui.speed.onchange = () => {
  // Another speed: the pace measured so far no longer says how long the rest takes.
  eta.reset();
  if (progress?.running === true) send({ type: 'play', speed: speed() });
};
$('share').onclick = async () => {
  let f: ReturnType<typeof fields>;
  try {
    f = fields();
  } catch (e) {
    // A refused seed or duration would make a link that runs something else (or nothing): say why there is none.
    showProblem({ message: (e as Error).message });
    ui.status.textContent = 'No link made: the seed or duration field is refused (the message is under the editor).';
    return;
  }
  // The seed field as typed (0 included); empty: the scenario text's own seed.
  const seed = f.seed;
  const frag = await encodeShare({ text: editor.state.doc.toString(), seed, durationSeconds: f.durationSeconds });
  history.replaceState(null, '', `#${frag}`);
  try {
    await navigator.clipboard.writeText(location.href);
    ui.status.textContent = 'Link copied: it reproduces this scenario and seed.';
  } catch {
    ui.status.textContent = 'The link to this run is in the address bar.';
  }
};

ui.addFiles.onchange = async () => {
  const picked = [...(ui.addFiles.files ?? [])];
  if (picked.length === 0) return;
  send({ type: 'addFiles', files: await Promise.all(picked.map(async (f) => ({ path: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))) });
  ui.addFiles.value = '';
};
send({ type: 'addFiles', files: [] });

/** Shown once the editor's text is no preset's (typed, pasted or dropped in): then choosing any preset, the last one too, loads it. */
const CUSTOM = new Option('— custom scenario —', '');
CUSTOM.disabled = true;
ui.preset.add(CUSTOM);
for (const p of PRESETS) ui.preset.add(new Option(p.name, p.name));

/** The menu names the preset the editor holds, or none: an edited preset is that preset no more. */
function showPresetHeld(): void {
  ui.preset.value = presetHolding(editor.state.doc.toString())?.name ?? '';
}

ui.preset.onchange = () => {
  const p = PRESETS.find((x) => x.name === ui.preset.value);
  if (p === undefined) return;
  setText(p.text);
  ui.seed.value = '';
  ui.duration.value = '';
};

// ---------------------------------------------------------------- progress, charts

/** Least wall time between two live chart refreshes. */
const LIVE_REFRESH_MS = 500;
let chartsBusy = false;
let lastChartsAt = 0;
let drawnFinal = false;
/** The wall time a running run has left, for the status line. */
const eta = new RunEta();

function onProgress(p: Progress): void {
  const wasDone = progress?.done === true;
  progress = p;
  // The last run, held after a refused Run: its line says where it stopped; the page stays as it is.
  if (stale) {
    setStale(true);
    return;
  }
  // A run stopped at a limit says so (the message line says which); Run starts it again.
  const state = runState(p);
  let left = '';
  if (p.running && !p.done) {
    const seconds = eta.note(performance.now(), p.now, p.durationSeconds);
    if (seconds !== undefined) left = ` · ${formatEta(seconds)}`;
  } else eta.reset();
  ui.status.textContent = `t = ${p.now.toFixed(1)} s of ${p.durationSeconds} s (${percentDone(p.now, p.durationSeconds)} %) · ${p.ticks} decider ticks · ${state}${left}`;
  document.body.dataset['state'] = state;
  document.body.dataset['now'] = String(p.now);
  document.body.dataset['ticks'] = String(p.ticks);
  if (p.done && !wasDone) {
    ui.summary.replaceChildren(renderSummary(p.summary as never, shownRun?.name));
    showDownloads(p.files);
  }
  if (!p.running) void inspectLatest();
  requestCharts();
}

let chartsTimer: ReturnType<typeof setTimeout> | undefined;

function requestCharts(): void {
  if (stale || chartsBusy || drawnFinal || chartsTimer !== undefined) return;
  const wall = performance.now();
  // Live charts refresh at most twice a second; stepping and the end refresh at once.
  if (progress?.running === true && wall - lastChartsAt < LIVE_REFRESH_MS) {
    chartsTimer = setTimeout(() => {
      chartsTimer = undefined;
      requestCharts();
    }, LIVE_REFRESH_MS - (wall - lastChartsAt));
    return;
  }
  chartsBusy = true;
  lastChartsAt = wall;
  send({ type: 'charts' });
}

const board = new ChartBoard(ui.charts, (event) => onChartClick(event));

function clearCharts(): void {
  board.clear();
  ui.chartNotes.textContent = '';
  document.body.dataset['charts'] = '0';
  delete document.body.dataset['final'];
  drawnFinal = false;
}

/** `now`: the simulated time the charts were made at. */
async function drawCharts(charts: ChartOut[], final: boolean, now: number, notes: readonly string[] = []): Promise<void> {
  // Asked for before a refused Run: the charts on the page are kept as they are.
  if (stale) {
    chartsBusy = false;
    return;
  }
  const complete = await board.show(charts, final);
  chartsBusy = false;
  // A run loaded meanwhile: these charts were the last one's; ask for the new run's.
  if (!complete) {
    requestCharts();
    return;
  }
  document.body.dataset['charts'] = String(charts.length);
  document.body.dataset['chartsNow'] = String(now);
  document.body.dataset['drawn'] = [...board.last.values()].join(',');
  if (final) {
    // As the report says it: which charts a run without its series lacks, and why.
    ui.chartNotes.textContent = notes.join(' ');
    drawnFinal = true;
    document.body.dataset['final'] = '1';
  }
  // The run moved on while these were made (a pause or a step while charts were on their way,
  // whose own request was dropped as busy): draw it as it is now, so the charts show the moment
  // the status line and the inspector show.
  if (!final && progress !== undefined && (progress.running || progress.done || progress.now !== now)) requestCharts();
}

// ---------------------------------------------------------------- inspector

/**
 * The time under a click: where it falls across the clicked panel's plot area (the panel's
 * background rectangle in the SVG), on the charts' shared time axis from 0 to the run's end.
 */
function onChartClick(event: MouseEvent): void {
  let cell = (event.target as Element | null)?.closest('g.mark-group.role-scope') ?? null;
  while (cell !== null && cell.querySelector(':scope > g > path.background') === null) cell = cell.parentElement?.closest('g.mark-group.role-scope') ?? null;
  const plot = cell?.querySelector(':scope > g > path.background')?.getBoundingClientRect();
  if (plot === undefined || plot.width <= 0) return;
  const axis = timeAxis(loadedDuration);
  const t = Math.max(0, Math.min(loadedDuration, ((event.clientX - plot.left) / plot.width) * xAt(axis, axis.durationSeconds) * axis.unitSeconds));
  ui.inspectTime.value = t.toFixed(1);
  inspect(t);
}

function inspect(t: number, direction?: 1 | -1): void {
  send({ type: 'inspect', time: t, revision: ui.inspectRevision.value || undefined, ...(direction !== undefined ? { direction } : {}) });
}

let inspected: Explanation | undefined;

async function inspectLatest(): Promise<void> {
  if (progress === undefined || progress.ticks === 0) return;
  ui.inspectTime.value = progress.now.toFixed(1);
  inspect(progress.now);
}

// The revision's tick before or after the one shown, however far (the HPA class syncs every 15 s).
$('inspect-prev').onclick = () => inspected !== undefined && inspect(inspected.row.time, -1);
$('inspect-next').onclick = () => inspected !== undefined && inspect(inspected.row.time, 1);
ui.inspectTime.onchange = () => inspect(Number(ui.inspectTime.value));
ui.inspectRevision.onchange = () => inspect(Number(ui.inspectTime.value || 0));

function showInspection(e: Explanation | undefined): void {
  inspected = e;
  if (e === undefined) {
    ui.inspection.textContent = 'No decider tick yet.';
    return;
  }
  const r = e.row;
  const head = document.createElement('p');
  head.className = 'why';
  head.dataset['time'] = String(r.time);
  head.textContent = `Tick at ${r.time} s, ${r.service} / ${r.revision}${r.valid ? '' : ' (not a valid evaluation)'}.`;
  const table = document.createElement('table');
  for (const s of e.steps) {
    const tr = table.insertRow();
    tr.dataset['label'] = s.label;
    tr.dataset['value'] = String(s.value);
    tr.insertCell().textContent = s.label;
    const f = tr.insertCell();
    f.className = 'formula';
    f.textContent = s.formula;
  }
  const panic = document.createElement('p');
  panic.className = 'why';
  panic.id = 'panic-why';
  panic.textContent = `Panic: ${e.panicWhy || (r.inPanic ? 'in panic' : 'not in panic')}`;
  ui.inspection.replaceChildren(head, table, panic);
  ui.inspection.dataset['time'] = String(r.time);
  ui.inspectTime.value = String(r.time);
}

// ---------------------------------------------------------------- downloads


function fetchFile(name: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    pendingFiles.set(name, resolve);
    send({ type: 'file', name });
  });
}

/** A button per file the run wrote, and the report. */
function showDownloads(files: readonly string[]): void {
  ui.downloads.replaceChildren(
    ...[...files, 'report.html'].map((name) => {
      const b = document.createElement('button');
      b.textContent = `↓ ${name}`;
      b.dataset['file'] = name;
      b.onclick = async () => {
        const text = await fetchFile(name);
        if (text === undefined) {
          ui.status.textContent = `${name}: this run did not write it.`;
          return;
        }
        const type = name.endsWith('.json') ? 'application/json' : name.endsWith('.html') ? 'text/html' : 'text/csv';
        const url = URL.createObjectURL(new Blob([text], { type }));
        const a = document.createElement('a');
        a.href = url;
        a.download = name;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      };
      return b;
    }),
  );
}

// ---------------------------------------------------------------- start

/**
 * Puts a share link's scenario, seed and duration in the editor and fields; false when the
 * fragment holds none. @throws Error when the link is damaged
 */
async function openLink(): Promise<boolean> {
  const shared = await decodeShare(location.hash);
  if (shared === undefined) return false;
  setText(shared.text);
  ui.seed.value = shared.seed === undefined ? '' : String(shared.seed);
  ui.duration.value = shared.durationSeconds === undefined ? '' : durationField(shared.durationSeconds);
  // A field's refusal said before is not this link's (the editor checks the new text itself).
  if (FIELD_PROBLEM.test(ui.problem.textContent ?? '')) showProblem(undefined);
  return true;
}

async function start(): Promise<void> {
  try {
    if (await openLink()) {
      document.body.dataset['ready'] = '1';
      return;
    }
  } catch (e) {
    // Said where the editor's checks do not clear it: the preset loaded next is checked at once.
    ui.preset.value = DEFAULT_PRESET;
    ui.preset.dispatchEvent(new Event('change'));
    ui.status.textContent = `${(e as Error).message} The ${DEFAULT_PRESET} preset is loaded instead.`;
    document.body.dataset['ready'] = '1';
    return;
  }
  ui.preset.value = DEFAULT_PRESET;
  ui.preset.dispatchEvent(new Event('change'));
  document.body.dataset['ready'] = '1';
}

// A link opened in a tab already on the playground (pasted in its address bar, or a notebook's
// next link) changes only the fragment, which does not load the page again: open it here.
// (Share sets the fragment with history.replaceState, which fires no hashchange.)
window.addEventListener('hashchange', () => {
  openLink().catch((e: unknown) => {
    ui.status.textContent = `${(e as Error).message} The editor keeps its scenario.`;
  });
});

void start();
// Once the page has settled, before anyone presses Run.
setTimeout(() => void warmUp(), 200);
