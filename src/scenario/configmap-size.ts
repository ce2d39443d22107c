/**
 * Kubernetes' size limit on a ConfigMap: the values of `data` and `binaryData`
 * together (keys not counted, binaryData decoded) may hold at most 1 MiB, or the
 * API server refuses the object (ValidateConfigMap, core.MaxSecretSize).
 */

/** 1 MiB, in bytes. */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

const utf8 = new TextEncoder();

/** The bytes Kubernetes counts for `data`'s values (UTF-8, as Go's len). */
export function dataValueBytes(data: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const v of Object.values(data)) if (typeof v === 'string') n += utf8.encode(v).length;
  return n;
}

/** The decoded bytes of `binaryData`'s values (base64 on the wire). */
export function binaryValueBytes(data: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const v of Object.values(data)) {
    if (typeof v !== 'string') continue;
    const s = v.replace(/\s+/g, '');
    const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
    n += Math.max(0, Math.floor((s.length * 3) / 4) - pad);
  }
  return n;
}

/** The rule broken by a ConfigMap holding `bytes`, or undefined when within the limit. */
export function configMapSizeProblem(bytes: number): string | undefined {
  if (bytes <= CONFIG_MAP_MAX_BYTES) return undefined;
  return `the ConfigMap's values hold ${bytes} bytes, more than Kubernetes' limit of ${CONFIG_MAP_MAX_BYTES} (1 MiB): the API server refuses it`;
}
