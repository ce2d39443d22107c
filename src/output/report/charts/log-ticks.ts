/**
 * Ticks for a log latency axis that all keep their labels. Left to itself, vega ticks 1..9 of
 * each power of ten, blanks 6..9 and then hides whichever labels overlap: a CDF of 1,000..4,873 ms
 * read 3,000, 4,000, _ and a 160-pixel latency panel dropped 400 and 4,000. Here each power of ten
 * is labelled at 1, 2, 3, 4, 5, else 1, 2, 5, else 1, 3, else only 1 (every second, third, …
 * power of ten when even those would touch): the densest that fits, every tick labelled.
 */

/** vega's width estimate without a canvas (charts/*.svg, .png): 0.8 em a character, wider than any real font's digits. */
const EM_PER_CHAR = 0.8;
/** Free pixels between two neighbouring labels. */
const LABEL_GAP = 10;

const PER_DECADE = [[1, 2, 3, 4, 5], [1, 2, 5], [1, 3], [1]] as const;

export interface LogTicks {
  /** The scale's domain: the ticks next to the lowest and highest value, so both ends are labelled. */
  domain: [number, number];
  values: number[];
  labels: string[];
  /** Only powers of ten are labelled (the axis title should say so: a reader may look for 2 or 5). */
  decadesOnly: boolean;
}

const text = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: 6 });

/** The candidate ticks 1, m, … × 10^k (every `every`-th power when only powers) from below lo to above hi. */
function candidates(lo: number, hi: number, marks: readonly number[], every: number): number[] {
  const out: number[] = [];
  const first = Math.floor(Math.log10(lo) / every) * every - every;
  const last = Math.ceil(Math.log10(hi) / every) * every + every;
  for (let p = first; p <= last; p += every) for (const m of marks) out.push(Number((m * 10 ** p).toPrecision(12)));
  return out;
}

/**
 * The ticks of positive values lo..hi on a log axis `length` pixels long, of which `padding` at
 * each end is left free. `vertical`: labels stack (their height matters, not their width).
 */
export function logTicks(lo: number, hi: number, length: number, opts: { vertical?: boolean; padding?: number; fontSize?: number } = {}): LogTicks {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) throw new Error(`logTicks: no positive range ${lo}..${hi}`);
  const fontSize = opts.fontSize ?? 11;
  const usable = length - 2 * (opts.padding ?? 0);
  const size = (l: string): number => (opts.vertical === true ? fontSize : Math.ceil(EM_PER_CHAR * l.length * fontSize));
  const attempt = (marks: readonly number[], every: number): LogTicks | undefined => {
    const all = candidates(lo, hi, marks, every);
    let start = 0;
    while (all[start + 1]! <= lo) start++;
    let end = all.findIndex((v) => v >= hi);
    if (end === start) end++;
    const values = all.slice(start, end + 1);
    const labels = values.map(text);
    const span = Math.log10(values[values.length - 1]! / values[0]!);
    // Two ticks are the fewest an axis can have: they are kept whatever their labels.
    for (let i = 1; i < values.length && values.length > 2; i++) {
      const gap = (Math.log10(values[i]! / values[i - 1]!) / span) * usable;
      if (gap < (size(labels[i]!) + size(labels[i - 1]!)) / 2 + LABEL_GAP) return undefined;
    }
    return { domain: [values[0]!, values[values.length - 1]!], values, labels, decadesOnly: marks.length === 1 };
  };
  for (const marks of PER_DECADE) {
    const t = attempt(marks, 1);
    if (t !== undefined) return t;
  }
  // Even powers of ten touch (many decades on a short axis): every second, third, … of them,
  // and last the powers of ten around the values alone.
  const below = Math.floor(Math.log10(lo));
  const above = Math.max(below + 1, Math.ceil(Math.log10(hi)));
  for (let every = 2; every < above - below; every++) {
    const t = attempt([1], every);
    if (t !== undefined) return t;
  }
  const values = [10 ** below, 10 ** above].map((v) => Number(v.toPrecision(12)));
  return { domain: [values[0]!, values[1]!], values, labels: values.map(text), decadesOnly: true };
}
