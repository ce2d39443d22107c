/**
 * Kubernetes' rule for a ConfigMap's keys (apimachinery IsConfigMapKey): letters,
 * digits, '-', '_' and '.', at most 253, and never '.', '..' or a key starting with
 * '..' (a key is a file name when the ConfigMap is mounted). The API server refuses a
 * ConfigMap holding such a key, however it is written (a manifest, a patch, an apply).
 */

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_KEY_LENGTH = 253;

/** Why the API server refuses `key` in a ConfigMap, or undefined when it takes it. */
export function configMapKeyProblem(key: string): string | undefined {
  if (key.length > MAX_KEY_LENGTH || !CONFIG_MAP_KEY.test(key)) {
    return `a ConfigMap key must consist of alphanumeric characters, '-', '_' or '.' (at most ${MAX_KEY_LENGTH})`;
  }
  if (key === '.' || key === '..') return `a ConfigMap key must not be '${key}'`;
  if (key.startsWith('..')) return "a ConfigMap key must not start with '..'";
  return undefined;
}
