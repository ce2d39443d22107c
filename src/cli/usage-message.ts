import { closest } from '../scenario/did-you-mean.js';

/**
 * What each command takes as positional arguments, by its command path (`sweep k8s-job`),
 * for the error about extra words. Commands that take a list (test, sweep merge) are absent:
 * they never have extra words.
 */
const TAKES: Readonly<Record<string, string>> = {
  run: 'one scenario file',
  plan: 'one scenario file',
  sweep: 'one scenario file',
  'sweep k8s-job': 'one scenario file',
  tune: 'one scenario file',
  compare: 'one scenario file',
  report: 'one run directory',
  rollout: 'one Service name',
  controller: 'no arguments, only flags',
};

/** How each command is called, for the error about a missing argument. */
const USAGE: Readonly<Record<string, string>> = {
  run: 'knsim run <scenario.yaml>',
  plan: 'knsim plan <scenario.yaml>',
  sweep: 'knsim sweep <scenario.yaml> --grid path=a,b',
  'sweep k8s-job': 'knsim sweep k8s-job <scenario.yaml> --grid path=a,b --image IMAGE',
  'sweep merge': 'knsim sweep merge <shard directory>...',
  tune: 'knsim tune <scenario.yaml> --space path=a..b:step --slo ...',
  compare: 'knsim compare <scenario.yaml> --class kpa --class ./my-class.ts',
  report: 'knsim report <run directory>',
  rollout: 'knsim rollout <service> ...',
  test: 'knsim test <scenario.yaml or directory>...',
};

const MAX_WORDS = 3;

/** yargs names an unknown `--such-flag` twice, as typed and camel-cased (`suchFlag`): the typed form. */
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The flag as typed on the command line for yargs' unknown `name` (`--no-x` for a negated `x`), else undefined (an extra positional word). */
function typedFlag(name: string, argv: readonly string[]): string | undefined {
  for (const n of new Set([name, kebab(name)])) {
    for (const a of argv) {
      if (a === `--${n}` || a.startsWith(`--${n}=`)) return `--${n}`;
      if (a === `--no-${n}` || a.startsWith(`--no-${n}=`)) return `--no-${n}`;
    }
  }
  if (name.length === 1 && argv.some((a) => /^-[^-]/.test(a) && a.slice(1).split('=')[0]!.includes(name))) return `-${name}`;
  return undefined;
}

const isFlag = (name: string, argv: readonly string[]): boolean => typedFlag(name, argv) !== undefined;

/**
 * yargs' complaint as one line with a suggestion: an unknown command gets yargs' own
 * "Did you mean" (recommendCommands) with the name it is about, an unknown flag the
 * closest known flag (yargs suggests commands only), and words beyond a command's
 * positional arguments (which yargs also calls unknown arguments) what the command takes.
 * `command`: the command path yargs was in (`['sweep', 'k8s-job']`), when known.
 */
export function usageMessage(msg: string | null | undefined, argv: readonly string[], flags: readonly string[], command: readonly string[] = []): string {
  const text = String(msg ?? '').trim();
  if (/^Did you mean /.test(text)) {
    const typed = argv.find((a) => !a.startsWith('-'));
    return typed === undefined ? text : `unknown command ${JSON.stringify(typed)}. ${text}`;
  }
  // yargs' "Not enough non-option arguments: got 0, need at least 1": say what is missing and how the command is called.
  const few = /^Not enough non-option arguments: got \d+, need at least \d+$/.exec(text);
  const path = command.join(' ');
  if (few !== null && Object.hasOwn(USAGE, path)) {
    const takes = Object.hasOwn(TAKES, path) ? TAKES[path] : 'at least one file or directory';
    return `${path} needs ${takes}: ${USAGE[path]}`;
  }
  const m = /^Unknown arguments?: (.*)$/.exec(text);
  if (m === null) return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  const names = m[1]!.split(', ');
  const cmd = command.join(' ');
  const takes = Object.hasOwn(TAKES, cmd) ? TAKES[cmd] : undefined;
  const words = takes === undefined ? [] : names.filter((n) => !isFlag(n, argv));
  // Each flag once, as typed (yargs lists `such-flag` and `suchFlag` for `--no-such-flag`).
  const unknownFlags = [...new Set(names.filter((n) => !words.includes(n)).map((n) => typedFlag(n, argv) ?? `${n.length > 1 ? '--' : '-'}${n}`))];
  const parts: string[] = [];
  if (words.length > 0) {
    // A shell glob can add hundreds: the first few name the mistake.
    const shown = words.slice(0, MAX_WORDS).map((w) => JSON.stringify(w));
    if (words.length > MAX_WORDS) shown.push(`and ${words.length - MAX_WORDS} more`);
    parts.push(`${cmd} takes ${takes}; extra argument${words.length > 1 ? 's' : ''}: ${shown.join(', ')}`);
  }
  if (unknownFlags.length > 0) {
    const known = flags.filter((f) => f.length > 1);
    const shown = unknownFlags.map((f) => {
      const no = f.startsWith('--no-') ? 'no-' : '';
      const c = closest(f.replace(/^--?(no-)?/, ''), known);
      return `${f}${c === undefined ? '' : ` (did you mean --${no}${c}?)`}`;
    });
    parts.push(`Unknown argument${unknownFlags.length > 1 ? 's' : ''}: ${shown.join(', ')}`);
  }
  return parts.join('; ');
}
