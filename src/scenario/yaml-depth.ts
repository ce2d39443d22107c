/**
 * A nesting limit for YAML read from users (scenarios, manifests, ConfigMap files, --set
 * values). yaml's composer recurses once per level and runs out of stack somewhere near a
 * thousand levels, at a depth that varies with the thread's stack; knsim refuses anything
 * deeper than MAX_YAML_DEPTH first, so the rule is one number whatever the thread.
 */
import { Parser, type CST } from 'yaml';

/**
 * Most lists and mappings inside each other in one YAML document. A Knative Service in a
 * scenario nests about a dozen levels (services[0].manifest.spec.template.spec.containers[0]
 * .resources.limits); 100 leaves room for any real manifest and refuses only absurd input.
 */
export const MAX_YAML_DEPTH = 100;

/** The rule broken by YAML deeper than MAX_YAML_DEPTH. */
export const TOO_DEEP_RULE = `more than ${MAX_YAML_DEPTH} levels of lists and mappings inside each other`;

/**
 * The offset in `text` of the first list or mapping nested deeper than `max`, or undefined.
 * It reads yaml's concrete syntax tree, which its parser builds without recursion, and walks
 * it with its own stack, so any depth is measured without a stack overflow.
 */
export function tooDeepOffset(text: string, max = MAX_YAML_DEPTH): number | undefined {
  return tooDeepIn(new Parser().parse(text), max);
}

/** {@link tooDeepOffset} over syntax tokens already parsed (so a loader can compose the same tokens afterwards). */
export function tooDeepIn(tokens: Iterable<CST.Token>, max = MAX_YAML_DEPTH): number | undefined {
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    const stack: Array<{ t: CST.Token | null | undefined; depth: number }> = [{ t: token.value, depth: 0 }];
    while (stack.length > 0) {
      const { t, depth } = stack.pop()!;
      if (t === null || t === undefined) continue;
      if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
      if (depth >= max) return t.offset;
      // Reversed, so the first item is looked at first and the offset is the earliest deep one.
      for (let i = t.items.length - 1; i >= 0; i--) {
        const item = t.items[i]!;
        stack.push({ t: item.value, depth: depth + 1 });
        stack.push({ t: item.key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
