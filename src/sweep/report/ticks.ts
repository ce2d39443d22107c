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
      if (spacing >= widest + LABEL_GAP) {
        const format = percent ? `.${Math.max(0, decimals - 2)}%` : `,.${decimals}f`;
        return { domain: [values[0]!, values[values.length - 1]!], values, format, labels };
      }
    }
    power++;
  }
}
