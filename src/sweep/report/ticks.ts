/**
 * Ticks for a horizontal quantitative axis that all keep their labels. Left to itself, vega
 * puts a tick every 40 pixels and then hides the labels that overlap: the Pareto chart of a
 * day-long sweep (pod-seconds 356,400..359,400 on 620 pixels) ticked every 200 and labelled
 * one tick in four. Here the step is the finest 1, 2 or 5 × 10^k whose labels fit side by
 * side, and the axis shows exactly those ticks, each labelled.
 */

/** vega's width estimate without a canvas (charts/*.svg, .png): 0.8 em a character, wider than any real font's digits. */
const EM_PER_CHAR = 0.8;
/** Free pixels between two neighbouring labels. */
const LABEL_GAP = 10;

export interface FittedTicks {
  /** The scale's domain: the first and last tick, outside every value. */
  domain: [number, number];
  values: number[];
  /** A d3 format that prints every tick as the axis shows it. */
  format: string;
  /** The labels as printed, for the width check (and tests). */
  labels: string[];
}

export interface TickOptions {
  /** Whole numbers only (pods, nodes): no step under 1. */
  integer?: boolean;
  /** A fraction shown in percent. */
  percent?: boolean;
  fontSize?: number;
  /** Pixels the scale leaves free inside each end, which the ticks do not use. */
  padding?: number;
}

/** Digits after the point of a 1, 2 or 5 × 10^k step. */
function decimalsOf(step: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
}

function label(v: number, decimals: number, percent: boolean): string {
  if (percent) return `${(v * 100).toLocaleString('en-US', { minimumFractionDigits: Math.max(0, decimals - 2), maximumFractionDigits: Math.max(0, decimals - 2) })}%`;
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * The ticks of values lo..hi on an axis `width` pixels long. One value v is shown against
 * zero (0..v, or 0..1 when v is 0), as the charts' flat scales are.
 */
export function fittedTicks(lo: number, hi: number, width: number, opts: TickOptions = {}): FittedTicks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new Error(`fittedTicks: no range ${lo}..${hi}`);
  if (lo === hi) [lo, hi] = hi === 0 ? [0, 1] : [Math.min(0, hi), Math.max(0, hi)];
  const fontSize = opts.fontSize ?? 11;
  const percent = opts.percent === true;
  // The finest step worth trying gives about one tick per 4 pixels; each next one is coarser.
  let power = Math.floor(Math.log10((hi - lo) / Math.max(1, width / 4)));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** power;
      if (opts.integer === true && step < 1) continue;
      const decimals = decimalsOf(step);
      const first = Math.floor(lo / step + 1e-9);
      const last = Math.ceil(hi / step - 1e-9);
      const values: number[] = [];
      for (let k = first; k <= last; k++) values.push(Number((k * step).toFixed(decimals)));
      if (values.length < 2) values.push(Number(((last + 1) * step).toFixed(decimals)));
      const labels = values.map((v) => label(v, decimals, percent));
      const widest = Math.max(...labels.map((l) => Math.ceil(EM_PER_CHAR * l.length * fontSize)));
      const spacing = (width - 2 * (opts.padding ?? 0)) / (values.length - 1);
      // Two ticks are the fewest an axis can have: past that, labels too long to fit are left as they are.
      if (spacing >= widest + LABEL_GAP || values.length === 2) {
        const format = percent ? `.${Math.max(0, decimals - 2)}%` : `,.${decimals}f`;
        return { domain: [values[0]!, values[values.length - 1]!], values, format, labels };
      }
    }
    power++;
  }
}

/** Digits after the point in v's shortest decimal form (at most 6). */
function decimalsIn(v: number): number {
  const m = /\.(\d+)$/.exec(String(Number(v.toFixed(6))));
  return m ? m[1]!.length : 0;
}

export interface SweptTicks {
  values: number[];
  format: string;
  labels: string[];
}

/**
 * Ticks for the axis of a swept setting (the scale runs from its first value to its last):
 * every tick labelled, none between whole values of a setting of whole numbers, none closer
 * than the grid's step. A grid of equal steps ticks at multiples of 1, 2, 5, 10, … steps (so
 * 4,8 ticks 4 and 8, and 10..120:10 on a narrow panel 20, 40, … 120); any other grid at the
 * multiples of 1, 2 or 5 × 10^k no finer than its smallest gap. When no such step gives two
 * ticks that fit, the first and last values are the ticks (120 and 600 for 2m,10m).
 */
export function sweptTicks(swept: readonly number[], length: number, opts: { integer: boolean; vertical?: boolean; padding?: number; fontSize?: number }): SweptTicks {
  const v = [...new Set(swept)].sort((a, b) => a - b);
  const lo = v[0]!;
  const hi = v[v.length - 1]!;
  const fontSize = opts.fontSize ?? 11;
  const span = hi - lo;
  const usable = length - 2 * (opts.padding ?? 0);
  const make = (values: number[]): SweptTicks => {
    const d = Math.max(0, ...values.map(decimalsIn));
    return { values, format: `,.${d}~f`, labels: values.map((x) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })) };
  };
  const fits = (t: SweptTicks): boolean => {
    if (t.values.length < 2) return true;
    const size = (l: string): number => (opts.vertical === true ? fontSize : Math.ceil(EM_PER_CHAR * l.length * fontSize));
    for (let i = 1; i < t.values.length; i++) {
      const gap = ((t.values[i]! - t.values[i - 1]!) / span) * usable;
      if (gap < (size(t.labels[i]!) + size(t.labels[i - 1]!)) / 2 + LABEL_GAP) return false;
    }
    return true;
  };
  if (v.length === 1) return make([lo]);
  const gaps = v.slice(1).map((x, i) => x - v[i]!);
  const smallest = Math.min(...gaps);
  const regular = gaps.every((g) => Math.abs(g - smallest) <= 1e-9 * Math.max(1, Math.abs(hi)));
  const steps: number[] = [];
  for (let p = regular ? 0 : Math.floor(Math.log10(smallest)); steps.length < 60; p++) {
    for (const m of [1, 2, 5]) {
      const step = regular ? smallest * m * 10 ** p : m * 10 ** p;
      if (step < smallest - 1e-12 || (opts.integer && !Number.isInteger(Number(step.toFixed(9))))) continue;
      steps.push(step);
    }
    if (steps.length > 0 && steps[steps.length - 1]! > span) break;
  }
  for (const step of steps) {
    const values: number[] = [];
    for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * Math.max(1, Math.abs(hi)); k++) values.push(Number((k * step).toFixed(9)));
    if (values.length < 2) continue;
    const t = make(values);
    if (fits(t)) return t;
  }
  const ends = make([lo, hi]);
  return fits(ends) ? ends : make([lo]);
}
