/**
 * A small strict XML parser for the files knsim writes (JUnit XML): elements, attributes,
 * text, the five predefined entities and numeric references, an XML declaration. Anything
 * else — an unclosed or mismatched tag, a bare '&' or '<', a duplicate attribute, text
 * outside the root — throws, so a test that parses a file also checks it is well formed.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  if (/<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad character data near offset ${at}: ${JSON.stringify(s.slice(0, 40))}`);
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  const element = (): XmlElement => {
    if (src[i] !== '<') throw new Error(`expected '<' at offset ${i}`);
    i++;
    const name = NAME.exec(src.slice(i))?.[0];
    if (name === undefined) throw new Error(`expected a tag name at offset ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const an = NAME.exec(src.slice(i))?.[0];
      if (an === undefined) throw new Error(`expected an attribute at offset ${i}`);
      i += an.length;
      ws();
      if (src[i] !== '=') throw new Error(`expected '=' at offset ${i}`);
      i++;
      ws();
      const q = src[i];
      if (q !== '"' && q !== "'") throw new Error(`expected a quote at offset ${i}`);
      const end = src.indexOf(q, i + 1);
      if (end < 0) throw new Error('unterminated attribute');
      if (an in el.attrs) throw new Error(`duplicate attribute ${an}`);
      // As a parser reads it (XML 1.0, 2.11 and 3.3.3): a literal line break or tab in a value is a space.
      el.attrs[an] = decode(src.slice(i + 1, end).replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' '), i);
      i = end + 1;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) throw new Error(`unclosed <${name}>`);
      el.text += decode(src.slice(i, lt), i);
      i = lt;
      if (src.startsWith('</', i)) {
        i += 2;
        if (!src.startsWith(name, i)) throw new Error(`mismatched </...> for <${name}> at offset ${i}`);
        i += name.length;
        ws();
        if (src[i] !== '>') throw new Error(`expected '>' at offset ${i}`);
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  ws();
  const root = element();
  ws();
  if (i !== src.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}
