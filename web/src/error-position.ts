/**
 * Where a ScenarioError points in the scenario's text: its field path (`clients[0].open.rps`)
 * walked through the YAML's nodes, or its `line N, column M`. The editor underlines that
 * span. A path the text does not hold (a default, a missing field) points at the deepest
 * part that is there.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { kubectlTags } from '../../src/scenario/kubectl-yaml.js';

export interface Span {
  from: number;
  to: number;
  line: number;
}

/** `a.b[0]["x/y"]` → ['a', 'b', 0, 'x/y']. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

export function errorSpan(text: string, path: string): Span {
  const lc = new LineCounter();
  // Keys read as the loader reads them (`y:` is the key "true" there), so paths match.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, customTags: kubectlTags });
  const at = (from: number, to: number): Span => ({ from, to: Math.max(to, from), line: lc.linePos(from).line });
  const lineCol = /^line (\d+)(?:, column (\d+))?/.exec(path);
  if (lineCol !== null) {
    const lineStart = lc.lineStarts[Number(lineCol[1]) - 1] ?? 0;
    const next = lc.lineStarts[Number(lineCol[1])] ?? text.length;
    return at(lineStart, Math.max(lineStart, next - 1));
  }
  let node: Node | null | undefined = doc.contents as Node | null;
  let span: [number, number] = [0, Math.max(0, text.indexOf('\n'))];
  for (const seg of parsePath(path)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (pair === undefined) break;
      const key = pair.key as Node | null;
      if (key?.range) span = [key.range[0], key.range[1]];
      node = pair.value as Node | null;
      if (node?.range && isScalar(node)) span = [span[0], node.range[1]];
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) break;
      node = item;
      if (item.range) span = [item.range[0], Math.min(item.range[1], text.indexOf('\n', item.range[0]) < 0 ? text.length : text.indexOf('\n', item.range[0]))];
    } else break;
  }
  return at(span[0], span[1]);
}
