/**
 * "Did you mean ...?" for misspelt names: the one helper behind override paths,
 * annotation and ConfigMap key warnings. (yargs has its own, for commands and
 * flags; it is not exported, so knsim keeps this copy for everything else.)
 */

/** Edit distance (insert, delete, substitute, swap two neighbours) between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Full table: names are short, and the swap rule needs two rows back.
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** Compares names the way people misspell them: case and '-'/'_' do not count. */
const fold = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

/**
 * The candidate closest to `name`, when it is close enough to be a likely typo
 * (at most a third of the name's length, and at least 1, edits apart); ties go to
 * the earlier candidate. undefined when nothing is close.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const f = fold(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const dist = editDistance(f, fold(c));
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(f.length, 3) / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** ` (did you mean X?)` for the closest candidate, else ''. */
export function didYouMean(name: string, candidates: Iterable<string>, show: (c: string) => string = (c) => c): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : ` (did you mean ${show(c)}?)`;
}
