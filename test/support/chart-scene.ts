/**
 * What a rendered chart shows, read from vega's scene graph (the SVG is drawn from it): each
 * axis's title and tick labels, and each plot's size with the symbols (dots) drawn in it.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface SceneAxis {
  title: string;
  labels: string[];
  /** The labels vega hid because they overlapped a neighbour (drawn with opacity 0). */
  hidden: string[];
}

export interface ScenePlot {
  width: number;
  height: number;
  /** The plot's top left corner in the whole chart. */
  x: number;
  y: number;
  /** Centres relative to the plot's top left corner, and radius (a symbol's size is its area). */
  dots: Array<{ x: number; y: number; r: number }>;
}

export interface SceneLegend {
  title: string;
  labels: string[];
}

/** A chart's or panel's title, at its position in the whole chart. */
export interface SceneTitle {
  text: string;
  x: number;
  y: number;
}

export interface Scene {
  axes: SceneAxis[];
  plots: ScenePlot[];
  legends: SceneLegend[];
  titles: SceneTitle[];
  /** Line marks drawn (a line mark is one path, whatever its points). */
  lines: number;
}

interface Item {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  size?: number;
  text?: string;
  opacity?: number;
  items?: Mark[];
}

interface Mark {
  marktype: string;
  role: string;
  items: Item[];
}

export async function chartScene(spec: TopLevelSpec): Promise<Scene> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    const scene: Scene = { axes: [], plots: [], legends: [], titles: [], lines: 0 };
    const texts = (g: Item, role: string): string[] => (g.items ?? []).filter((m) => m.role === role).flatMap((m) => m.items.map((t) => String(t.text)));
    const walk = (mark: Mark, ox: number, oy: number): void => {
      if (mark.marktype === 'line' && mark.role === 'mark') scene.lines += mark.items.length;
      if (mark.marktype !== 'group') return;
      for (const g of mark.items) {
        const [x, y] = [ox + (g.x ?? 0), oy + (g.y ?? 0)];
        if (mark.role === 'title') {
          scene.titles.push({ text: texts(g, 'title-text').join(' '), x, y });
          continue;
        }
        if (mark.role === 'axis') {
          const title = texts(g, 'axis-title');
          // Grid lines are an axis group of their own, with no title and no labels.
          const hidden = (g.items ?? []).filter((m) => m.role === 'axis-label').flatMap((m) => m.items.filter((t) => t.opacity === 0).map((t) => String(t.text)));
          if (title.length > 0) scene.axes.push({ title: title.join(' '), labels: texts(g, 'axis-label'), hidden });
          continue;
        }
        if (mark.role === 'legend') {
          // A legend's title is a mark of its own; its entries are groups (symbol and label) inside.
          const labels: string[] = [];
          const collect = (m: Mark): void => {
            if (m.role === 'legend-label') labels.push(...m.items.map((t) => String(t.text)));
            for (const i of m.items) for (const c of i.items ?? []) collect(c);
          };
          for (const m of g.items ?? []) collect(m);
          scene.legends.push({ title: texts(g, 'legend-title').join(' '), labels });
          continue;
        }
        const dots = (g.items ?? []).filter((m) => m.marktype === 'symbol' && m.role === 'mark').flatMap((m) => m.items.map((d) => ({ x: d.x!, y: d.y!, r: Math.sqrt((d.size ?? 64) / Math.PI) })));
        if (dots.length > 0) scene.plots.push({ x, y, width: g.width!, height: g.height!, dots });
        for (const m of g.items ?? []) walk(m, x, y);
      }
    };
    walk((view.scenegraph() as unknown as { root: Mark }).root, 0, 0);
    return scene;
  } finally {
    view.finalize();
  }
}

/** The axis whose title is `title`. */
export function axisTitled(scene: Scene, title: string): SceneAxis {
  const found = scene.axes.filter((a) => a.title === title);
  if (found.length !== 1) throw new Error(`${found.length} axes titled "${title}" among: ${scene.axes.map((a) => a.title).join(' | ')}`);
  return found[0]!;
}

/** The dots some part of which lies outside their plot's width (or height, when asked). */
export function dotsOverEdge(scene: Scene, vertical = false): Array<{ x: number; y: number; r: number }> {
  return scene.plots.flatMap((p) => p.dots.filter((d) => d.x - d.r < 0 || d.x + d.r > p.width || (vertical && (d.y - d.r < 0 || d.y + d.r > p.height))));
}
