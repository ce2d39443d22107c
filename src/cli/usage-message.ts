import { closest } from '../scenario/did-you-mean.js';

/**
 * yargs' complaint as one line with a suggestion: an unknown command gets yargs' own
 * "Did you mean" (recommendCommands) with the name it is about, an unknown flag the
 * closest known flag (yargs suggests commands only).
 */
export function usageMessage(msg: string | null | undefined, argv: readonly string[], flags: readonly string[]): string {
  const text = String(msg ?? '').trim();
  if (/^Did you mean /.test(text)) {
    const typed = argv.find((a) => !a.startsWith('-'));
    return typed === undefined ? text : `unknown command ${JSON.stringify(typed)}. ${text}`;
  }
  const m = /^Unknown arguments?: (.*)$/.exec(text);
  if (m === null) return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  const names = m[1]!.split(', ');
  const known = flags.filter((f) => f.length > 1);
  const hints = names.map((n) => {
    const c = closest(n, known);
    return c === undefined ? '' : ` (did you mean --${c}?)`;
  });
  return `${m[0]!.slice(0, m[0]!.indexOf(':') + 1)} ${names.map((n, i) => `${n.length > 1 ? '--' : '-'}${n}${hints[i]}`).join(', ')}`;
}
