/**
 * Share links: the scenario and seed (and duration when set) in the URL's fragment,
 * deflated with the platform's CompressionStream and base64url-encoded, so a link
 * reproduces a run and the scenario never reaches a server (fragments are not sent).
 */
export interface SharedRun {
  text: string;
  seed: number | undefined;
  durationSeconds: number | undefined;
}

const VERSION = 'v1';

async function pipe(bytes: Uint8Array, stream: unknown): Promise<Uint8Array> {
  // (Cast: node's and the DOM's stream typings disagree; both runtimes have these streams.)
  const out = new Blob([bytes as unknown as ArrayBuffer]).stream().pipeThrough(stream as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

/** The fragment (without '#') for a run. */
export async function encodeShare(run: SharedRun): Promise<string> {
  const params = new URLSearchParams();
  if (run.seed !== undefined) params.set('seed', String(run.seed));
  if (run.durationSeconds !== undefined) params.set('duration', String(run.durationSeconds));
  const packed = await pipe(new TextEncoder().encode(run.text), new CompressionStream('deflate-raw'));
  params.set('s', `${VERSION}.${toBase64Url(packed)}`);
  return params.toString();
}

/** The run a fragment describes; undefined when it holds none. @throws Error when it is damaged. */
export async function decodeShare(fragment: string): Promise<SharedRun | undefined> {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const s = params.get('s');
  if (s === null) return undefined;
  const [version, data] = s.split('.', 2);
  if (version !== VERSION || data === undefined) throw new Error(`share link: unknown format ${JSON.stringify(version)}`);
  // Each step's failure said as a rule of the link (the browser's own words name neither: "Failed to execute 'atob'…").
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(data);
  } catch {
    throw new Error('share link: its data is not base64url (letters, digits, - and _): was the link cut or edited?');
  }
  let inflated: Uint8Array;
  try {
    inflated = await pipe(bytes, new DecompressionStream('deflate-raw'));
  } catch {
    throw new Error('share link: its data does not decompress to a scenario: was the link cut or edited?');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    throw new Error('share link: its scenario is not UTF-8 text: was the link cut or edited?');
  }
  const num = (k: string): number | undefined => {
    const v = params.get(k);
    if (v === null) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`share link: ${k} must be a number, got ${JSON.stringify(v)}`);
    return n;
  };
  return { text, seed: num('seed'), durationSeconds: num('duration') };
}

/**
 * The duration field's text for a link's duration, a Go duration that reads back as the same
 * seconds: under a microsecond String() writes an exponent ("1e-7"), which no Go duration takes,
 * so a link made with `100ns` was refused when opened.
 */
export function durationField(seconds: number): string {
  const s = String(seconds);
  return s.includes('e') && seconds < 1 ? `${Math.round(seconds * 1e9)}ns` : `${s}s`;
}
