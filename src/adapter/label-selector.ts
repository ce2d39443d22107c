/**
 * Label selectors as the API server reads a list's `labelSelector` (apimachinery's
 * labels.Parse): requirements separated by commas, each `key`, `!key`, `key=value`,
 * `key==value`, `key!=value`, `key in (v1,v2)`, `key notin (v1,v2)`, `key>n` or `key<n`.
 * `knsim controller -l` checks its selector with this before connecting, so a typo is a
 * usage error at once rather than an HTTP 400 once the cluster answers.
 */
import { qualifiedNameErrors } from '../core/traffic/index.js';

/** Characters that end an identifier (besides whitespace). */
const SPECIAL = new Set([',', '(', ')', '=', '!', '<', '>']);

interface Token {
  /** An operator or punctuation (`==`, `!=`, `in`, …), or 'id' for a key or value. */
  kind: string;
  text: string;
}

function tokens(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ((c === '=' || c === '!') && s[i + 1] === '=') {
      out.push({ kind: `${c}=`, text: `${c}=` });
      i += 2;
    } else if (SPECIAL.has(c)) {
      out.push({ kind: c, text: c });
      i++;
    } else {
      const start = i;
      while (i < s.length && !SPECIAL.has(s[i]!) && !/\s/.test(s[i]!)) i++;
      const text = s.slice(start, i);
      // Like upstream, `in` and `notin` are keywords wherever they stand.
      out.push({ kind: text === 'in' || text === 'notin' ? text : 'id', text });
    }
  }
  return out;
}

/** A key or value in a message, cut so a huge selector still makes a short line. */
const echo = (s: string): string => JSON.stringify(s.length <= 40 ? s : `${s.slice(0, 39)}…`);

const VALUE_MAX = 63;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function valueError(v: string): string | undefined {
  if (v.length > VALUE_MAX) return `invalid label value ${echo(v)}: must be no more than ${VALUE_MAX} characters`;
  if (!VALUE_RE.test(v)) {
    return `invalid label value ${echo(v)}: must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character`;
  }
  return undefined;
}

function keyError(k: string): string | undefined {
  const errs = qualifiedNameErrors(k);
  return errs.length === 0 ? undefined : `invalid label key ${echo(k)}: ${errs[0]!}`;
}

/** Why `selector` is not a label selector the API server accepts; undefined when it is one ('' selects everything). */
export function labelSelectorError(selector: string): string | undefined {
  const toks = tokens(selector);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const shown = (t: Token | undefined): string => (t === undefined ? 'the end' : echo(t.text));
  const value = (): string | undefined => {
    // A value may be empty: `tier=` selects the label with an empty value.
    const t = peek();
    if (t?.kind !== 'id') return valueError('');
    i++;
    return valueError(t.text);
  };
  while (i < toks.length) {
    let t = toks[i++]!;
    const negated = t.kind === '!';
    if (negated) t = toks[i++] ?? { kind: 'end', text: '' };
    if (t.kind !== 'id') return `expected a label key${negated ? ' after "!"' : ''}, found ${t.kind === 'end' ? 'the end' : echo(t.text)}`;
    const bad = keyError(t.text);
    if (bad !== undefined) return bad;
    const op = peek();
    if (!negated && op !== undefined && op.kind !== ',') {
      i++;
      if (op.kind === '=' || op.kind === '==' || op.kind === '!=') {
        const e = value();
        if (e !== undefined) return e;
      } else if (op.kind === '<' || op.kind === '>') {
        const n = peek();
        if (n?.kind !== 'id' || !/^-?\d+$/.test(n.text)) return `${echo(`${t.text} ${op.text}`)} needs a whole number, found ${shown(n)}`;
        i++;
      } else if (op.kind === 'in' || op.kind === 'notin') {
        if (peek()?.kind !== '(') return `expected "(" after ${op.text}, found ${shown(peek())}`;
        i++;
        if (peek()?.kind === ')') return `the values of ${echo(`${t.text} ${op.text}`)} must not be empty`;
        for (;;) {
          const e = value();
          if (e !== undefined) return e;
          const sep = toks[i++];
          if (sep?.kind === ')') break;
          if (sep?.kind !== ',') return `expected "," or ")" in the values of ${op.text}, found ${shown(sep)}`;
        }
      } else {
        return `expected an operator (=, ==, !=, in, notin, <, >), "," or the end after ${echo(t.text)}, found ${echo(op.text)}`;
      }
    }
    const next = toks[i++];
    if (next === undefined) return undefined;
    if (next.kind !== ',') return `expected "," or the end after a requirement, found ${echo(next.text)}`;
    if (i >= toks.length) return 'expected a requirement after the last ","';
  }
  return undefined;
}
