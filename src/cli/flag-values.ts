/**
 * Checks yargs leaves to the commands, which would otherwise misread them: a flag given
 * without its value (yargs hands a string flag "", a number flag its default, an array
 * flag [] — so `--seed` ran with seed 0 and `--metrics-port` with 9090), and a one-value
 * flag given twice (yargs makes a list, which messages then showed as "10s,20s"), and a
 * switch given a value other than true or false, or both ways (yargs read `--report=maybe`
 * as --no-report, and let the last of `--series --no-series` win).
 */
import { UsageError } from './errors.js';

/** What yargs' getOptions() says about the command's flags (the parts read here). */
export interface FlagKinds {
  key: Record<string, unknown>;
  boolean: readonly string[];
  array: readonly string[];
}

/** yargs-parser's negative number: a word it takes as a flag's value although it starts with "-". */
const NEGATIVE = /^-([0-9]+(\.[0-9]+)?|\.[0-9]+)$/;

const shown = (v: unknown): string => JSON.stringify(String(v).length > 80 ? `${String(v).slice(0, 80)}…` : String(v));

/** The flag, as the user typed its name, that takes a value: `--seed`, `-n`; undefined for booleans and unknown flags. */
function valueFlag(word: string, kinds: FlagKinds): string | undefined {
  const m = /^--?([^=]+)$/.exec(word);
  if (m === null) return undefined;
  const name = m[1]!;
  if (word.startsWith('--') ? name.length < 2 : name.length !== 1) return undefined;
  if (!Object.hasOwn(kinds.key, name) || kinds.boolean.includes(name)) return undefined;
  return word;
}

/** Throws a UsageError for the first value flag in `argv` that has no value after it, naming the flag. */
export function checkFlagValues(argv: readonly string[], kinds: FlagKinds): void {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return; // the rest are positional words
    const flag = valueFlag(word, kinds);
    if (flag === undefined) continue;
    const next = argv[i + 1];
    if (next === undefined) throw new UsageError(`${flag}: needs a value (${flag} VALUE or ${flag}=VALUE)`);
    // yargs reads a word starting with "-" as flags of its own ("-5s" as -5 and -s), unless it is a plain negative number.
    if (next.startsWith('-') && !NEGATIVE.test(next)) {
      throw new UsageError(`${flag}: needs a value; ${shown(next)} reads as a flag (to pass it as the value: ${flag}=${next.slice(0, 80)})`);
    }
  }
}

/** Throws a UsageError for the first one-value flag that yargs collected twice or more. */
export function checkRepeatedFlags(args: Record<string, unknown>, kinds: FlagKinds): void {
  for (const key of Object.keys(kinds.key)) {
    if (kinds.array.includes(key) || kinds.boolean.includes(key)) continue;
    const v = args[key];
    if (!Array.isArray(v)) continue;
    const name = key.length === 1 ? `-${key}` : `--${key}`;
    const values = v.slice(0, 3).map(shown);
    if (v.length > 3) values.push(`and ${v.length - 3} more`);
    throw new UsageError(`${name}: given ${v.length} times (${values.join(', ')}); give it once`);
  }
}

/** Throws a UsageError for a switch (`--report`, `--no-series`) given a value other than true or false, or given both ways. */
export function checkSwitches(argv: readonly string[], kinds: FlagKinds): void {
  const seen = new Map<string, { word: string; on: boolean }>();
  for (const word of argv) {
    if (word === '--') return; // the rest are positional words
    const m = /^--(no-)?([^=]+?)(?:=(.*))?$/s.exec(word);
    if (m === null) continue;
    const [, no, name, value] = m as unknown as [string, string | undefined, string, string | undefined];
    if (!kinds.boolean.includes(name)) continue;
    const flag = `--${no ?? ''}${name}`;
    if (value !== undefined && (no !== undefined || (value !== 'true' && value !== 'false'))) {
      throw new UsageError(`${flag}: a switch takes no value (or true or false), got ${shown(value)}; write --${name} or --no-${name}`);
    }
    const on = no === undefined && value !== 'false';
    const before = seen.get(name);
    if (before !== undefined && before.on !== on) throw new UsageError(`${before.word} and ${word}: give one of them`);
    seen.set(name, { word, on });
  }
}
