/**
 * The page's charts: one Vega view per chart, made once and then fed new rows. The worker
 * sends each chart already compiled to Vega (the report's Vega-Lite spec through
 * vega-lite's compiler), so the page only parses and draws. While the spec apart from its
 * inline data stays the same (the common case while a run streams), the view keeps its
 * scenegraph and only its source datasets are replaced (View.data), which costs a few
 * milliseconds; when the spec itself changes (a new y-axis bound, a new panel) the view is
 * made again. Each chart is handled in its own task so no single task draws them all.
 */
import { parse, View, type Spec as VegaSpec } from 'vega';
import type { ChartOut } from './protocol.js';

interface Drawn {
  view: View;
  /** The spec without its source datasets' rows: equal keys mean the rows are all that changed. */
  key: string;
}

interface DataEntry {
  name: string;
  values?: unknown;
  format?: unknown;
}

/** Source datasets whose rows can be swapped in place: inline rows that need no parsing. */
export function sources(spec: VegaSpec): DataEntry[] {
  return ((spec as { data?: DataEntry[] }).data ?? []).filter((d) => Array.isArray(d.values) && d.format === undefined);
}

export function structureKey(spec: VegaSpec): string {
  const data = (spec as { data?: DataEntry[] }).data;
  const keep = new Set(sources(spec));
  return JSON.stringify({ ...spec, data: data?.map((d) => (keep.has(d) ? { ...d, values: null } : d)) });
}

/**
 * A small chart with the parts the report's charts have (lines, a stacked area, rects,
 * axes, a legend, a title), drawn once off screen while the page is idle: the first view
 * a page makes costs several times the next ones (the code is not yet compiled), and
 * that should not happen while a run streams.
 */
const WARM_UP: VegaSpec = {
  width: 200,
  height: 80,
  title: { text: 'warm-up', subtitle: 'not shown' },
  data: [{ name: 'rows', values: [{ t: 0, k: 'a', v: 1 }, { t: 1, k: 'a', v: 2 }, { t: 0, k: 'b', v: 2 }, { t: 1, k: 'b', v: 1 }] }, { name: 'stacked', source: 'rows', transform: [{ type: 'stack', groupby: ['t'], field: 'v' }] }],
  scales: [
    { name: 'x', type: 'linear', domain: { data: 'rows', field: 't' }, range: 'width' },
    { name: 'y', type: 'linear', domain: { data: 'stacked', field: 'y1' }, range: 'height', nice: true, zero: true },
    { name: 'c', type: 'ordinal', domain: { data: 'rows', field: 'k' }, range: 'category' },
  ],
  axes: [{ orient: 'bottom', scale: 'x', title: 'x' }, { orient: 'left', scale: 'y', title: 'y', grid: true }],
  legends: [{ stroke: 'c', title: 'k', symbolType: 'stroke' }],
  marks: [
    {
      type: 'group',
      from: { facet: { name: 'series', data: 'stacked', groupby: 'k' } },
      marks: [
        { type: 'area', from: { data: 'series' }, encode: { enter: { interpolate: { value: 'step-after' }, x: { scale: 'x', field: 't' }, y: { scale: 'y', field: 'y0' }, y2: { scale: 'y', field: 'y1' }, fill: { scale: 'c', field: 'k' } } } },
        { type: 'line', from: { data: 'series' }, encode: { enter: { x: { scale: 'x', field: 't' }, y: { scale: 'y', field: 'v' }, stroke: { scale: 'c', field: 'k' }, strokeDash: { value: [6, 3] } } } },
      ],
    },
    { type: 'rect', from: { data: 'rows' }, encode: { enter: { x: { scale: 'x', field: 't' }, x2: { scale: 'x', value: 1 }, y: { value: 0 }, y2: { value: 7 }, fill: { value: '#9467bd' }, opacity: { value: 0.5 } } } },
  ],
} as unknown as VegaSpec;

/** Draws {@link WARM_UP} in a hidden box and throws it away. */
export async function warmUp(): Promise<void> {
  const box = document.createElement('div');
  box.style.cssText = 'position:absolute;left:-10000px;top:0;visibility:hidden';
  document.body.append(box);
  try {
    const view = new View(parse(WARM_UP), { renderer: 'svg', container: box, hover: false });
    await view.runAsync();
    view.data('rows', [{ t: 0, k: 'a', v: 3 }, { t: 1, k: 'b', v: 1 }]);
    await view.runAsync();
    view.finalize();
  } finally {
    box.remove();
  }
}

const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Whether what `view` drew reaches past the room laid out around its plots (vega's autosize
 * padding, which it works out on a view's first run and again only when asked): an axis label
 * or title that grew with new rows would be cut off at the edge of the SVG.
 */
export function outgrown(view: View): boolean {
  const b = (view.scenegraph() as unknown as { root: { items: Array<{ bounds: { x1: number; y1: number; x2: number; y2: number } }> } }).root.items[0]?.bounds;
  if (b === undefined) return false;
  const [left, top] = view.origin();
  // The laid-out size (without the padding), which vega's View keeps but does not expose.
  const { _viewWidth: width, _viewHeight: height } = view as unknown as { _viewWidth: number; _viewHeight: number };
  return b.x1 < -left - 0.5 || b.y1 < -top - 0.5 || b.x2 > width - left + 0.5 || b.y2 > height - top + 0.5;
}

/**
 * Gives a view `spec`'s rows and draws it. `made`: the view was just made and run without rows,
 * so the room around its plots is laid out again (without, the KPA chart's y title lost its first
 * letters); an update lays it out again only when what it drew outgrew it, since laying out
 * redraws the whole view.
 */
export async function fill(view: View, spec: VegaSpec, made: boolean): Promise<void> {
  for (const d of sources(spec)) view.data(d.name, d.values as object[]);
  if (made) view.resize();
  await view.runAsync();
  if (!made && outgrown(view)) await view.resize().runAsync();
}

export class ChartBoard {
  private readonly drawn = new Map<string, Drawn>();
  /** How each chart was last drawn ('new' or 'update'), for tests. */
  readonly last = new Map<string, 'new' | 'update'>();

  constructor(
    private readonly parent: HTMLElement,
    private readonly onClick: (event: MouseEvent) => void,
  ) {}

  /** Bumped by clear(): a drawing begun before it stops at its next step. */
  private generation = 0;

  clear(): void {
    this.generation++;
    for (const d of this.drawn.values()) d.view.finalize();
    this.drawn.clear();
    this.last.clear();
    this.parent.replaceChildren();
  }

  /**
   * Draws the charts in order, one per task; false when clear() came first. `final`: these are
   * the run's whole set, so a chart drawn live that the finished run has not (one drawn from the
   * series of a run with `series: false`) goes, rather than stay frozen where the live data ended.
   */
  async show(charts: readonly ChartOut[], final = false): Promise<boolean> {
    const gen = this.generation;
    if (final) {
      const keep = new Set(charts.map((c) => c.id));
      for (const [id, d] of [...this.drawn]) {
        if (keep.has(id)) continue;
        d.view.finalize();
        this.drawn.delete(id);
        this.last.delete(id);
        document.getElementById(`chart-${id}`)?.remove();
      }
    }
    // In the report's order, also when a chart appears only once the run has data for it.
    for (const c of charts) this.parent.append(this.box(c).parentElement!);
    for (const c of charts) {
      await nextTask();
      if (gen !== this.generation) return false;
      await this.draw(c, gen);
    }
    return gen === this.generation;
  }

  private box(c: ChartOut): HTMLElement {
    let box = document.getElementById(`chart-${c.id}`);
    if (box === null) {
      box = document.createElement('section');
      box.className = 'chart';
      box.id = `chart-${c.id}`;
      const h = document.createElement('h3');
      h.textContent = c.heading;
      const p = document.createElement('p');
      p.className = 'explanation';
      const vis = document.createElement('div');
      vis.className = 'vis';
      box.append(h, p, vis);
      this.parent.append(box);
    }
    // The explanation may quote the run's numbers (pod-hours once it has ended).
    const p = box.querySelector<HTMLElement>('p.explanation')!;
    if (p.textContent !== c.explanation) p.textContent = c.explanation;
    return box.querySelector<HTMLElement>('.vis')!;
  }

  private async draw(c: ChartOut, gen: number): Promise<void> {
    const spec = c.spec as VegaSpec;
    const key = structureKey(spec);
    const vis = this.box(c);
    const had = this.drawn.get(c.id);
    if (had !== undefined && had.key === key) {
      await fill(had.view, spec, false);
      this.last.set(c.id, 'update');
      return;
    }
    // A new view is made in three tasks (parse; axes, legends and titles; then the rows),
    // since doing it all at once can take longer than a frame should on a busy machine.
    const empty = new Set(sources(spec));
    const runtime = parse({ ...spec, data: (spec as { data?: DataEntry[] }).data?.map((d) => (empty.has(d) ? { ...d, values: [] } : d)) } as VegaSpec);
    await nextTask();
    if (gen !== this.generation) return;
    had?.view.finalize();
    vis.replaceChildren();
    const view = new View(runtime, { renderer: 'svg', container: vis, hover: false });
    view.addEventListener('click', (event) => this.onClick(event as MouseEvent));
    await view.runAsync();
    this.drawn.set(c.id, { view, key });
    await nextTask();
    if (gen !== this.generation) return;
    await fill(view, spec, true);
    this.last.set(c.id, 'new');
  }
}
