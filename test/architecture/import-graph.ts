/**
 * The import graph of src/ and the layer rules it is checked against (see README,
 * "Architecture"). TypeScript 7 has no JS API, so imports are found by a small lexer that
 * knows comments, strings, template literals and regular-expression literals: an
 * `import(...)` inside a comment or a string is not an import.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One import in a file: the specifier as written. */
export interface ImportSite {
  specifier: string;
  /** `import(...)`: loaded at run time, still an edge. */
  dynamic: boolean;
}

export type Token = { kind: 'word' | 'punct'; text: string } | { kind: 'string'; text: string };

/** Identifiers and keywords after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  /** Open template literals: the brace depth inside each `${`. */
  const templates: number[] = [];
  let i = 0;
  const n = src.length;
  const regexAllowed = (): boolean => {
    const t = out[out.length - 1];
    if (t === undefined) return true;
    if (t.kind === 'string') return false;
    if (t.kind === 'word') return REGEX_AFTER_WORD.has(t.text);
    return !/^[)\]}]$/.test(t.text);
  };
  const readTemplate = (): void => {
    // At the character after ` or after the } closing a ${...}: read up to ` or ${.
    while (i < n) {
      const c = src[i]!;
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        out.push({ kind: 'string', text: '' });
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        templates.push(0);
        out.push({ kind: 'punct', text: '(' });
        return;
      } else i++;
    }
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < n && src[j] !== c) {
        if (src[j] === '\\') {
          text += src[j + 1] ?? '';
          j += 2;
        } else text += src[j++];
      }
      out.push({ kind: 'string', text });
      i = j + 1;
    } else if (c === '`') {
      i++;
      readTemplate();
    } else if (c === '{' && templates.length > 0) {
      templates[templates.length - 1]!++;
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '}' && templates.length > 0 && templates[templates.length - 1] === 0) {
      templates.pop();
      out.push({ kind: 'punct', text: ')' });
      i++;
      readTemplate();
    } else if (c === '}' && templates.length > 0) {
      templates[templates.length - 1]!--;
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < n && src[j] !== '\n') {
        const d = src[j]!;
        if (d === '\\') j += 2;
        else {
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
          j++;
        }
      }
      j++;
      while (j < n && /[a-z]/i.test(src[j]!)) j++;
      out.push({ kind: 'string', text: '' });
      i = j;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(src[j]!)) j++;
      out.push({ kind: 'word', text: src.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(src[j]!)) j++;
      out.push({ kind: 'word', text: src.slice(i, j) });
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      out.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return out;
}

/** Every static import, re-export and dynamic `import()` in a TypeScript source. */
export function importsOf(src: string): ImportSite[] {
  const t = tokenize(src);
  const out: ImportSite[] = [];
  const isWord = (k: number, w: string): boolean => t[k]?.kind === 'word' && t[k]!.text === w;
  const isPunct = (k: number, p: string): boolean => t[k]?.kind === 'punct' && t[k]!.text === p;
  /** From token k, the string after the next `from` before a `;` (or the end of the statement). */
  const fromClause = (k: number): string | undefined => {
    for (let j = k; j < t.length; j++) {
      if (isPunct(j, ';')) return undefined;
      if (isWord(j, 'from') && t[j + 1]?.kind === 'string') return t[j + 1]!.text;
      if (isWord(j, 'import') || isWord(j, 'export')) return undefined;
    }
    return undefined;
  };
  for (let k = 0; k < t.length; k++) {
    const prevIsDot = isPunct(k - 1, '.');
    if (isWord(k, 'import') && !prevIsDot) {
      if (isPunct(k + 1, '(') && t[k + 2]?.kind === 'string') out.push({ specifier: t[k + 2]!.text, dynamic: true });
      else if (t[k + 1]?.kind === 'string') out.push({ specifier: t[k + 1]!.text, dynamic: false });
      else if (t[k + 1]?.kind === 'word' || isPunct(k + 1, '{') || isPunct(k + 1, '*')) {
        const s = fromClause(k + 1);
        if (s !== undefined) out.push({ specifier: s, dynamic: false });
      }
    } else if (isWord(k, 'export') && (isPunct(k + 1, '{') || isPunct(k + 1, '*') || (isWord(k + 1, 'type') && isPunct(k + 2, '{')))) {
      const s = fromClause(k + 1);
      if (s !== undefined) out.push({ specifier: s, dynamic: false });
    }
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** One import of one file, resolved: `to` is a path under src/ (no extension change) or a package name. */
export interface Edge {
  /** Path relative to the repository root, e.g. src/model/world.ts. */
  from: string;
  specifier: string;
  /** src/... for a relative import, else undefined (an npm package or a node: module). */
  to: string | undefined;
}

/** Every import of every src/**\/*.ts file. */
export function srcImports(root: string): Edge[] {
  const edges: Edge[] = [];
  for (const abs of walk(join(root, 'src')).filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))) {
    const from = relative(root, abs).split(sep).join('/');
    for (const site of importsOf(readFileSync(abs, 'utf8'))) {
      const to = site.specifier.startsWith('.') ? relative(root, resolve(dirname(abs), site.specifier)).split(sep).join('/').replace(/\.js$/, '.ts') : undefined;
      edges.push({ from, specifier: site.specifier, to });
    }
  }
  return edges;
}

export interface LayerRules {
  /** Folder under src/ → the folders its files may import. */
  allowed: Readonly<Record<string, readonly string[]>>;
  /** Folders whose files may import no package at all (no npm, no node:). */
  noPackages: readonly string[];
  /** The only files of core that other folders may import. */
  coreEntryPoints: readonly string[];
}

/** The layer (folder under src/) of a path such as src/model/world.ts. */
export function layerOf(path: string): string {
  return path.split('/')[1] ?? '';
}

/** Cycles in a folder graph, each as a path a → b → … → a (one per strongly connected component). */
export function folderCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) cycles.push(cyclePath(graph, new Set(comp)));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** A closed walk through one strongly connected component, for the message. */
function cyclePath(graph: ReadonlyMap<string, ReadonlySet<string>>, comp: ReadonlySet<string>): string[] {
  const start = [...comp].sort()[0]!;
  // Breadth-first from start back to start inside the component.
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!comp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = prev.get(x)) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Every broken rule, one line each (empty when the graph keeps the table). */
export function violations(edges: readonly Edge[], rules: LayerRules): string[] {
  const out: string[] = [];
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = layerOf(e.from);
    if (!(a in rules.allowed)) {
      out.push(`${e.from}: folder src/${a} is not in the layer table`);
      continue;
    }
    if (e.to === undefined) {
      if (rules.noPackages.includes(a)) out.push(`${e.from} → ${e.specifier}: src/${a} imports no packages`);
      continue;
    }
    if (!e.to.startsWith('src/')) {
      out.push(`${e.from} → ${e.specifier}: imports outside src/`);
      continue;
    }
    const b = layerOf(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    if (!rules.allowed[a]!.includes(b)) out.push(`${e.from} → ${e.specifier}: ${a} may not import ${b} (allowed: ${rules.allowed[a]!.join(', ') || 'nothing'})`);
    if (b === 'core' && !rules.coreEntryPoints.includes(e.to)) out.push(`${e.from} → ${e.specifier}: import core through ${rules.coreEntryPoints.join(' or ')}`);
  }
  for (const c of folderCycles(graph)) out.push(`folder cycle: ${c.join(' → ')}`);
  return out;
}
