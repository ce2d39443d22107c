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

/** The rule for a file whose byte at `offset` is not UTF-8. */
export function utf8Rule(offset: number, utf16: boolean): string {
  return utf16
    ? 'the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 text'
    : `invalid UTF-8 at byte offset ${offset}: the file must be UTF-8 text`;
}
