/** UTF-8 checks of the files a scenario reads: where the first bad byte is, and what to say about it. */

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    const second = b[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < 0x80 || x > 0xbf) return i;
    }
    i += n + 1;
  }
  return b.length;
}

/**
 * Whether the sequence that starts at `b[i]` is well formed as far as `b` goes but `b` ends
 * before it does: a chunk of a streamed file cut inside a character.
 */
export function cutAtEnd(b: Uint8Array, i: number): boolean {
  const c = b[i]!;
  const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
  if (n === 0 || i + n < b.length) return false;
  for (let k = 1; i + k < b.length; k++) {
    const x = b[i + k]!;
    const lo = k > 1 ? 0x80 : c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = k > 1 ? 0xbf : c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (x < lo || x > hi) return false;
  }
  return true;
}

/** Whether the bytes start with a UTF-16 byte order mark (little or big endian). */
export function startsUtf16(b: Uint8Array): boolean {
  return b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
}

/** Leading bytes of compressed files and archives, which hold no text knsim could read. */
const PACKED: ReadonlyArray<{ name: string; magic: readonly number[]; undo: string }> = [
  { name: 'gzip', magic: [0x1f, 0x8b], undo: 'gunzip' },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], undo: 'unxz; a .tar.xz also needs tar' },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], undo: 'unzstd' },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], undo: 'bunzip2' },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], undo: 'unzip' },
  { name: 'RAR', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], undo: 'unrar' },
  { name: '7z', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], undo: '7z x' },
];

/** How many leading bytes {@link utf8Rule} looks at. */
export const HEAD_BYTES = 6;

/** The compressed or archive format the bytes start with, if any. */
function packedFormat(head: Uint8Array): (typeof PACKED)[number] | undefined {
  return PACKED.find((p) => p.magic.length <= head.length && p.magic.every((m, i) => head[i] === m));
}

/** The rule for a file whose byte at `offset` is not UTF-8, given its first bytes (a byte order mark, an archive's magic). */
export function utf8Rule(offset: number, head: Uint8Array): string {
  if (startsUtf16(head)) return 'the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 text';
  // Public traces ship packed (Azure 2019 as .tar.xz, 2021 as .rar): say so rather than point at a byte.
  const packed = packedFormat(head);
  if (packed !== undefined) return `the file is ${packed.name}-compressed, not text: unpack it first (${packed.undo})`;
  return `invalid UTF-8 at byte offset ${offset}: the file must be UTF-8 text`;
}

/** Strict UTF-8 (a BOM is kept, as readFileSync's 'utf8' keeps it), or the line of the first bad byte and the rule it breaks. */
export function decodeStrictUtf8(bytes: Uint8Array): string | { line: number; rule: string } {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    return { line, rule: utf8Rule(at, bytes) };
  }
}

/**
 * A file kubectl reads (a manifest, a ConfigMap): kubectl decodes UTF-16 after its byte order mark
 * (cli-runtime's file visitor), which is what Windows PowerShell's `>` writes, so knsim does too;
 * anything else is strict UTF-8 as {@link decodeStrictUtf8} reads it.
 */
export function decodeKubectlText(bytes: Uint8Array): string | { line?: number; rule: string } {
  if (!startsUtf16(bytes)) return decodeStrictUtf8(bytes);
  const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
  try {
    // The decoder drops the byte order mark.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return { rule: `invalid ${encoding.toUpperCase()}: the file starts with a UTF-16 byte order mark but is not UTF-16 text (an odd length or a lone surrogate): save it as UTF-8 text` };
  }
}
