/**
 * `n` of `d` as a percentage with two decimals, never rounded to a bound it has not reached:
 * 1 error in a million reads `<0.01%`, not `0.00%`, and all but one `>99.99%`, not `100.00%`.
 * `–` when there is nothing to divide by.
 */
export function percentOf(n: number, d: number): string {
  if (d === 0) return '–';
  const p = (100 * n) / d;
  const text = p.toFixed(2);
  if (p > 0 && text === '0.00') return '<0.01%';
  if (p < 100 && text === '100.00') return '>99.99%';
  return `${text}%`;
}

/**
 * A percentage to 3 significant digits (or `digits`), with as many more as it takes for one short of 100 not
 * to read 100 (99.987 % of requests refused is not all of them): `99.99`, not `100`.
 */
export function percentDigits(p: number, digits = 3): string {
  let text = String(+p.toPrecision(digits));
  for (digits++; Math.abs(+text) === 100 && Math.abs(p) < 100 && digits <= 15; digits++) text = String(+p.toPrecision(digits));
  return text;
}
