/**
 * Enough of Go's text/template to run the templates Knative checks when a ConfigMap loads
 * (config-network's domain-template and tag-template) on the sample values it runs them on,
 * and to tell whether Go would fail to parse or execute them.
 *
 * Covered: text, comments, `{{-`/`-}}` trimming, fields and field chains on `.` and `$`,
 * string and decimal literals, `|` pipelines, parentheses, `if`/`with`/`else`/`end`, and the
 * builtins index, print, printf (%s %v %d %q %%), len, not, and, or, eq, ne. Anything else Go
 * takes (range, define, variables, the other builtins, …) is reported as unchecked, never as
 * an error: knsim must not refuse a ConfigMap Knative takes. A name that is neither a builtin
 * nor a keyword is an error, as Go's parser refuses it (Knative registers no functions).
 */

/**
 * A value as the template sees it: Go's struct, string, map (nil when `null`), bool, int, or no
 * value; or a field whose value this file does not model (`what` names it), unchecked when used.
 */
export type GoValue =
  | { kind: 'struct'; type: string; fields: ReadonlyMap<string, GoValue> }
  | { kind: 'opaque'; what: string }
  | { kind: 'string'; v: string }
  | { kind: 'map'; entries: ReadonlyMap<string, string> | null }
  | { kind: 'bool'; v: boolean }
  | { kind: 'int'; v: number }
  | { kind: 'invalid' };

export type TemplateResult = { ok: true; output: string } | { ok: false; error: string } | { ok: 'unchecked'; what: string };

/** Go would refuse the template. */
class GoTemplateError extends Error {}
/** Go's behaviour here is outside what this file covers. */
class Unchecked extends Error {}

const str = (v: string): GoValue => ({ kind: 'string', v });
const INVALID: GoValue = { kind: 'invalid' };
const KEYWORDS = new Set(['if', 'else', 'end', 'with', 'range', 'define', 'template', 'block', 'break', 'continue']);
const BUILTINS = new Set(['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne']);
const SPACE = /[ \t\r\n]/;
/** Deeper nesting (parentheses, if/with blocks) is taken unchecked rather than recursed into. */
const MAX_DEPTH = 100;

/** `re` (sticky) matched at `at` in `src`, so a long template is not copied per token. */
function matchAt(re: RegExp, src: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(src);
}
const FIELDS_RE = /(\.[A-Za-z_][A-Za-z0-9_]*)+/y;
const VARIABLE_RE = /\$([A-Za-z_][A-Za-z0-9_]*)?((\.[A-Za-z_][A-Za-z0-9_]*)*)/y;
const NUMBER_RE = /-?[0-9][0-9A-Za-z_.+-]*/y;
const IDENT_RE = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Go's trimming: only its four space characters, by a loop (a regex with $ is quadratic on long runs). */
function trimSpaceStart(t: string): string {
  let i = 0;
  while (i < t.length && SPACE.test(t[i]!)) i++;
  return t.slice(i);
}
function trimSpaceEnd(t: string): string {
  let i = t.length;
  while (i > 0 && SPACE.test(t[i - 1]!)) i--;
  return t.slice(0, i);
}

type Tok =
  | { t: 'field'; names: string[] }
  | { t: 'dot' }
  | { t: 'var'; name: string; names: string[] }
  | { t: 'ident'; name: string }
  | { t: 'string'; v: string }
  | { t: 'int'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'nil' }
  | { t: '|' }
  | { t: '(' }
  | { t: ')' }
  | { t: 'fieldAfter'; names: string[] };

/** One `{{…}}` action's tokens, or text. */
type Piece = { kind: 'text'; text: string } | { kind: 'action'; toks: Tok[]; spaced: boolean[] };

/** Splits `src` into text and actions, trimming and dropping comments as Go's lexer does. */
function lex(src: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = trimSpaceStart(text);
    trimNext = false;
    if (open < 0) {
      if (text !== '') out.push({ kind: 'text', text });
      break;
    }
    let j = open + 2;
    // `{{- ` trims the text before; `{{-3}}` is the number -3.
    if (src[j] === '-' && SPACE.test(src[j + 1] ?? '')) {
      text = trimSpaceEnd(text);
      j += 2;
    }
    if (text !== '') out.push({ kind: 'text', text });
    // A comment opens right after the delimiter (and its trim marker), or it is no comment.
    if (src.startsWith('/*', j)) {
      const close = src.indexOf('*/', j + 2);
      if (close < 0) throw new GoTemplateError('unclosed comment');
      let k = close + 2;
      if (src.startsWith(' -}}', k) || src.startsWith('\t-}}', k) || src.startsWith('\n-}}', k) || src.startsWith('\r-}}', k)) {
        trimNext = true;
        k += 4;
      } else if (src.startsWith('}}', k)) k += 2;
      else throw new GoTemplateError('comment ends before closing delimiter');
      i = k;
      continue;
    }
    const toks: Tok[] = [];
    // Whether space came before each token: Go's parser wants space between a command's operands.
    const spaced: boolean[] = [];
    let space = false;
    const push = (t: Tok): void => {
      toks.push(t);
      spaced.push(space);
      space = false;
    };
    for (;;) {
      const c = src[j];
      if (c === undefined) throw new GoTemplateError('unclosed action');
      if (SPACE.test(c)) {
        if (src[j + 1] === '-' && src.startsWith('}}', j + 2)) {
          trimNext = true;
          j += 4;
          break;
        }
        j++;
        space = true;
        continue;
      }
      if (src.startsWith('}}', j)) {
        j += 2;
        break;
      }
      if (c === '|' || c === '(' || c === ')') {
        push({ t: c });
        j++;
        if (c === ')' && src[j] === '.' && /[A-Za-z_]/.test(src[j + 1] ?? '')) {
          const m = matchAt(FIELDS_RE, src, j)!;
          push({ t: 'fieldAfter', names: m[0].slice(1).split('.') });
          j += m[0].length;
        }
        continue;
      }
      if (c === '.') {
        const m = matchAt(FIELDS_RE, src, j);
        if (m !== null) {
          push({ t: 'field', names: m[0].slice(1).split('.') });
          j += m[0].length;
        } else if (/[0-9]/.test(src[j + 1] ?? '')) {
          throw new Unchecked('a number literal');
        } else {
          push({ t: 'dot' });
          j++;
        }
        continue;
      }
      if (c === '$') {
        const m = matchAt(VARIABLE_RE, src, j)!;
        push({ t: 'var', name: m[1] ?? '', names: m[2] === '' ? [] : m[2]!.slice(1).split('.') });
        j += m[0].length;
        continue;
      }
      if (c === '"') {
        let k = j + 1;
        let v = '';
        for (;;) {
          const d = src[k];
          if (d === undefined || d === '\n') throw new GoTemplateError('unterminated quoted string');
          if (d === '"') break;
          if (d === '\\') {
            const e = src[k + 1];
            const simple: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', r: '\r' };
            if (e === undefined || simple[e] === undefined) throw new Unchecked('a string escape');
            v += simple[e];
            k += 2;
            continue;
          }
          v += d;
          k++;
        }
        push({ t: 'string', v });
        j = k + 1;
        continue;
      }
      if (c === '`') {
        const close = src.indexOf('`', j + 1);
        if (close < 0) throw new GoTemplateError('unterminated raw quoted string');
        push({ t: 'string', v: src.slice(j + 1, close).replaceAll('\r', '') });
        j = close + 1;
        continue;
      }
      const num = matchAt(NUMBER_RE, src, j);
      if (num !== null || ((c === '-' || c === '+') && /[0-9.]/.test(src[j + 1] ?? ''))) {
        const word = num?.[0] ?? '';
        if (!/^-?(0|[1-9][0-9]*)$/.test(word) || Math.abs(Number(word)) > Number.MAX_SAFE_INTEGER) throw new Unchecked('a number literal other than a decimal integer');
        push({ t: 'int', v: Number(word) });
        j += word.length;
        continue;
      }
      const id = matchAt(IDENT_RE, src, j);
      if (id !== null) {
        const w = id[0];
        if (w === 'true' || w === 'false') push({ t: 'bool', v: w === 'true' });
        else if (w === 'nil') push({ t: 'nil' });
        else push({ t: 'ident', name: w });
        j += w.length;
        // `if.X` and the like: not covered.
        if (src[j] === '.') throw new Unchecked('a field of a name');
        continue;
      }
      if (c === ':' || c === '=') throw new Unchecked('a variable declaration ($x := …)');
      if (c === ',') throw new Unchecked('a range declaration ($k, $v := …)');
      if (c === "'") throw new Unchecked('a character literal');
      throw new GoTemplateError(`unexpected ${JSON.stringify(c)} in command`);
    }
    out.push({ kind: 'action', toks, spaced });
    i = j;
  }
  return out;
}

/** A pipeline's command: its operands (a term and its arguments). */
type Term =
  | { t: 'field'; names: string[] }
  | { t: 'dot' }
  | { t: 'var'; names: string[] }
  | { t: 'ident'; name: string }
  | { t: 'lit'; v: GoValue }
  | { t: 'nil' }
  | { t: 'pipe'; pipe: Command[]; names: string[] };
type Command = Term[];
type Node = { t: 'text'; text: string } | { t: 'print'; pipe: Command[] } | { t: 'if' | 'with'; pipe: Command[]; list: Node[]; else: Node[] };

/** A token as Go's parser names it in a message. */
const describe = (t: Tok): string =>
  t.t === 'field' || t.t === 'fieldAfter' ? `.${t.names.join('.')}` : t.t === 'string' ? JSON.stringify(t.v) : t.t === 'int' || t.t === 'bool' ? String(t.v) : t.t === 'ident' ? t.name : t.t === 'var' ? `$${t.name}` : t.t === 'dot' ? '.' : t.t;

/** Parses one action's tokens (after any keyword) into a pipeline, checking what Go's parser checks. */
function parsePipeline(toks: Tok[], spaced: readonly boolean[], context: string): Command[] {
  let i = 0;
  const pipeline = (inParens: boolean, depth = 0): Command[] => {
    if (depth > MAX_DEPTH) throw new Unchecked(`parentheses nested more than ${MAX_DEPTH} deep`);
    const cmds: Command[] = [];
    let cmd: Command = [];
    const endCmd = (): void => {
      if (cmd.length === 0) throw new GoTemplateError(`missing value for ${context}`);
      cmds.push(cmd);
      cmd = [];
    };
    for (;;) {
      const tok = toks[i];
      if (tok === undefined || tok.t === ')') {
        if (tok?.t === ')' && !inParens) throw new GoTemplateError('unexpected right paren');
        if (tok === undefined && inParens) throw new GoTemplateError('unclosed left paren');
        if (tok !== undefined) i++;
        if (cmd.length === 0 && cmds.length === 0) throw new GoTemplateError(`missing value for ${context}`);
        endCmd();
        return cmds;
      }
      i++;
      if (tok.t !== '|' && cmd.length > 0 && !spaced[i - 1]) throw new GoTemplateError(`unexpected ${describe(tok)} in operand`);
      switch (tok.t) {
        case '|':
          endCmd();
          break;
        case '(': {
          const inner = pipeline(true, depth + 1);
          const after = toks[i]?.t === 'fieldAfter' ? (toks[i++] as { names: string[] }).names : [];
          cmd.push({ t: 'pipe', pipe: inner, names: after });
          break;
        }
        case 'field':
          cmd.push({ t: 'field', names: tok.names });
          break;
        case 'dot':
          cmd.push({ t: 'dot' });
          break;
        case 'var':
          // Only `$`, the data, exists unless the template declares one.
          if (tok.name !== '') throw new GoTemplateError(`undefined variable "$${tok.name}"`);
          cmd.push({ t: 'var', names: tok.names });
          break;
        case 'ident':
          if (KEYWORDS.has(tok.name)) throw new Unchecked(`{{${tok.name}}} here`);
          if (!BUILTINS.has(tok.name)) throw new GoTemplateError(`function "${tok.name}" not defined`);
          cmd.push({ t: 'ident', name: tok.name });
          break;
        case 'string':
          cmd.push({ t: 'lit', v: str(tok.v) });
          break;
        case 'int':
          cmd.push({ t: 'lit', v: { kind: 'int', v: tok.v } });
          break;
        case 'bool':
          cmd.push({ t: 'lit', v: { kind: 'bool', v: tok.v } });
          break;
        case 'nil':
          cmd.push({ t: 'nil' });
          break;
        default:
          throw new Unchecked('a field after a value');
      }
    }
  };
  const cmds = pipeline(false);
  for (const [n, c] of cmds.entries()) {
    const head = c[0]!;
    if (head.t === 'nil' && c.length === 1) throw new GoTemplateError('nil is not a command');
    if (n > 0 && (head.t === 'lit' || head.t === 'dot' || head.t === 'nil')) throw new GoTemplateError(`non executable command in pipeline stage ${n + 1}`);
  }
  return cmds;
}

/** Builds the tree of `if`/`with` blocks from the lexed pieces. */
function parse(pieces: Piece[]): Node[] {
  let i = 0;
  const list = (closers: ReadonlySet<string>, depth = 0): { nodes: Node[]; end: string } => {
    if (depth > MAX_DEPTH) throw new Unchecked(`blocks nested more than ${MAX_DEPTH} deep`);
    const nodes: Node[] = [];
    while (i < pieces.length) {
      const p = pieces[i++]!;
      if (p.kind === 'text') {
        nodes.push({ t: 'text', text: p.text });
        continue;
      }
      const head = p.toks[0];
      const kw = head?.t === 'ident' && KEYWORDS.has(head.name) ? head.name : undefined;
      if (kw === undefined) {
        nodes.push({ t: 'print', pipe: parsePipeline(p.toks, p.spaced, 'command') });
        continue;
      }
      if (kw === 'end' || kw === 'else') {
        if (!closers.has(kw)) throw new GoTemplateError(`unexpected {{${kw}}}`);
        if (kw === 'end' && p.toks.length > 1) throw new GoTemplateError('unexpected token in end');
        if (kw === 'else' && p.toks.length > 1) throw new Unchecked('{{else if}} or {{else with}}');
        return { nodes, end: kw };
      }
      if (kw !== 'if' && kw !== 'with') throw new Unchecked(`{{${kw}}}`);
      const pipe = parsePipeline(p.toks.slice(1), p.spaced.slice(1), kw);
      const body = list(new Set(['end', 'else']), depth + 1);
      const other = body.end === 'else' ? list(new Set(['end']), depth + 1).nodes : [];
      nodes.push({ t: kw, pipe, list: body.nodes, else: other });
    }
    if (closers.size > 0) throw new GoTemplateError('unexpected EOF');
    return { nodes, end: '' };
  };
  return list(new Set()).nodes;
}

/** Go's fmt %v of a value. */
function sprint(v: GoValue): string {
  switch (v.kind) {
    case 'string':
      return v.v;
    case 'bool':
      return String(v.v);
    case 'int':
      return String(v.v);
    case 'invalid':
      return '<nil>';
    case 'map': {
      const keys = [...(v.entries?.keys() ?? [])].sort();
      return `map[${keys.map((k) => `${k}:${v.entries!.get(k)}`).join(' ')}]`;
    }
    case 'struct':
      return `{${[...v.fields.values()].map(sprint).join(' ')}}`;
    case 'opaque':
      throw new Unchecked(v.what);
  }
}

const truth = (v: GoValue): boolean =>
  v.kind === 'invalid' ? false : v.kind === 'string' ? v.v !== '' : v.kind === 'bool' ? v.v : v.kind === 'int' ? v.v !== 0 : v.kind === 'map' ? (v.entries?.size ?? 0) > 0 : true;

const typeName = (v: GoValue): string => (v.kind === 'struct' ? v.type : v.kind === 'map' ? 'map[string]string' : v.kind);

/** `.a.b.c` from `recv`, as Go's evalFieldChain walks it. */
function fieldChain(recv: GoValue, names: readonly string[], hasArgs: boolean): GoValue {
  let v = recv;
  names.forEach((name, n) => {
    const last = n === names.length - 1;
    if (v.kind === 'invalid') return; // Go yields no value past a missing map key.
    if (v.kind === 'struct') {
      const f = v.fields.get(name);
      if (f === undefined) throw new GoTemplateError(`can't evaluate field ${name} in type ${v.type}`);
      if (f.kind === 'opaque') throw new Unchecked(f.what);
      if (last && hasArgs) throw new GoTemplateError(`${name} has arguments but cannot be invoked as function`);
      v = f;
    } else if (v.kind === 'map') {
      if (last && hasArgs) throw new GoTemplateError(`${name} is not a method but has arguments`);
      const e = v.entries?.get(name);
      v = e === undefined ? INVALID : str(e);
    } else {
      throw new GoTemplateError(`can't evaluate field ${name} in type ${typeName(v)}`);
    }
  });
  return v;
}

/** Go's fmt for the verbs covered. */
function printf(format: string, args: GoValue[]): string {
  let out = '';
  let a = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const verb = format[++i];
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (verb === undefined || !'svdq'.includes(verb)) throw new Unchecked('a printf verb other than %s, %v, %d, %q');
    const arg = args[a++];
    if (arg === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (arg.kind === 'invalid') out += verb === 'v' ? '<nil>' : `%!${verb}(<nil>)`;
    else if (verb === 'v' || (verb === 's' && arg.kind === 'string') || (verb === 'd' && arg.kind === 'int')) out += sprint(arg);
    else if (verb === 'q' && arg.kind === 'string' && /^[\x20-\x7e]*$/.test(arg.v)) out += JSON.stringify(arg.v);
    else throw new Unchecked(`printf %${verb} of a ${arg.kind}`);
  }
  if (a < args.length) throw new Unchecked('printf with extra arguments');
  return out;
}

function exec(nodes: readonly Node[], dot: GoValue, root: GoValue): string {
  const call = (name: string, args: readonly Term[], final: GoValue | undefined): GoValue => {
    // and/or stop at the first argument that decides them, as Go 1.18 and later do.
    if (name === 'and' || name === 'or') {
      const all = [...args.map((a) => () => arg(a)), ...(final === undefined ? [] : [() => final])];
      if (all.length === 0) throw new GoTemplateError(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: GoValue = INVALID;
      for (const f of all) {
        v = f();
        if (truth(v) === (name === 'or')) return v;
      }
      return v;
    }
    const vals = [...args.map(arg), ...(final === undefined ? [] : [final])];
    switch (name) {
      case 'print':
        if (vals.some((v) => v.kind !== 'string')) throw new Unchecked('print of a value other than a string');
        return str(vals.map(sprint).join(''));
      case 'printf': {
        const f = vals[0];
        if (f === undefined) throw new GoTemplateError('wrong number of args for printf: want at least 1 got 0');
        if (f.kind !== 'string') throw new Unchecked('a printf format other than a string');
        return str(printf(f.v, vals.slice(1)));
      }
      case 'not':
        if (vals.length !== 1) throw new GoTemplateError(`wrong number of args for not: want 1 got ${vals.length}`);
        return { kind: 'bool', v: !truth(vals[0]!) };
      case 'len': {
        const v = vals[0];
        if (vals.length !== 1) throw new GoTemplateError(`wrong number of args for len: want 1 got ${vals.length}`);
        if (v!.kind === 'string') return { kind: 'int', v: new TextEncoder().encode(v!.v).length };
        if (v!.kind === 'map') return { kind: 'int', v: v!.entries?.size ?? 0 };
        throw new Unchecked(`len of a ${v!.kind}`);
      }
      case 'index': {
        const [item, ...keys] = vals;
        if (item === undefined) throw new GoTemplateError('wrong number of args for index: want at least 1 got 0');
        if (keys.length === 0) return item;
        if (item.kind === 'invalid') throw new GoTemplateError('error calling index: index of untyped nil');
        const key = keys[0]!;
        if (item.kind !== 'map' || keys.length !== 1 || key.kind !== 'string') throw new Unchecked('index of something other than a map by a string');
        // A missing key gives the map's zero value, "".
        return str(item.entries?.get(key.v) ?? '');
      }
      case 'eq':
      case 'ne': {
        const [a, b, ...more] = vals;
        if (a === undefined || b === undefined || more.length > 0) throw new Unchecked(`${name} with other than two arguments`);
        let same: boolean;
        if (a.kind === 'string' && b.kind === 'string') same = a.v === b.v;
        else if (a.kind === 'int' && b.kind === 'int') same = a.v === b.v;
        else if ((a.kind === 'invalid') !== (b.kind === 'invalid') && (a.kind === 'string' || b.kind === 'string')) same = false;
        else throw new Unchecked(`${name} of a ${a.kind} and a ${b.kind}`);
        return { kind: 'bool', v: name === 'eq' ? same : !same };
      }
      default:
        throw new Unchecked(`the ${name} function`);
    }
  };
  const arg = (t: Term): GoValue => {
    switch (t.t) {
      case 'lit':
        return t.v;
      case 'nil':
        return INVALID;
      case 'ident':
        throw new Unchecked('a function as an argument');
      default:
        return command([t], undefined);
    }
  };
  const command = (cmd: Command, final: GoValue | undefined): GoValue => {
    const [head, ...rest] = cmd;
    const hasArgs = rest.length > 0 || final !== undefined;
    switch (head!.t) {
      case 'field':
        if (hasArgs) fieldChain(dot, head!.names.slice(0, -1), false);
        return fieldChain(dot, head!.names, hasArgs);
      case 'var':
        return fieldChain(root, head!.names, hasArgs && head!.names.length > 0);
      case 'ident':
        return call(head!.name, rest, final);
      case 'pipe':
        return fieldChain(pipeline(head!.pipe), head!.names, hasArgs && head!.names.length > 0);
      case 'dot':
        if (hasArgs) throw new GoTemplateError("can't give argument to non-function .");
        return dot;
      case 'lit':
        if (hasArgs) throw new GoTemplateError(`can't give argument to non-function ${sprint(head!.v)}`);
        return head!.v;
      case 'nil':
        throw new GoTemplateError('nil is not a command');
    }
  };
  const pipeline = (cmds: readonly Command[]): GoValue => {
    let v: GoValue | undefined;
    for (const c of cmds) v = command(c, v);
    return v!;
  };
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'print') {
      const v = pipeline(n.pipe);
      out += v.kind === 'invalid' ? '<no value>' : sprint(v);
    } else {
      const v = pipeline(n.pipe);
      if (truth(v)) out += exec(n.list, n.t === 'with' ? v : dot, root);
      else out += exec(n.else, dot, root);
    }
  }
  return out;
}

/** Parses and executes `src` on `data` as Go's text/template would, or says why Go fails, or that this file does not cover it. */
export function runGoTemplate(src: string, data: GoValue): TemplateResult {
  try {
    return { ok: true, output: exec(parse(lex(src)), data, data) };
  } catch (e) {
    if (e instanceof GoTemplateError) return { ok: false, error: e.message };
    if (e instanceof Unchecked) return { ok: 'unchecked', what: e.message };
    throw e;
  }
}
