/**
 * A size limit for YAML read from users (scenarios, manifests, ConfigMap files). Under the
 * byte cap, a dense file still costs the parser about a kilobyte per node at each of its
 * passes: an empirical distribution with a million values took 2 GB and 25 s before any
 * check ran. knsim counts nodes with yaml's lexer first (a flat token stream, cheap and
 * held nowhere) and refuses a file past MAX_YAML_NODES before anything is parsed.
 */
import { CST, Lexer } from 'yaml';

/**
 * Most YAML nodes in one file. A scenario with a thousand Services has about 27,000 (five
 * thousand, 135,000); the shipped ones a few hundred. A file just under the cap (an empirical
 * list of 199,000 values) costs `knsim run` about 600 MB, against 2 GB for a million.
 */
export const MAX_YAML_NODES = 200_000;

/** The rule broken by a file of more than MAX_YAML_NODES nodes. */
export const TOO_MANY_NODES_RULE = `more than ${MAX_YAML_NODES} YAML nodes (keys, values, list items) in one file, more than any scenario, manifest or ConfigMap file needs (keep an empirical distribution's values to a sample)`;

/**
 * The offset in `text` of the node that takes the file past `max` nodes, or undefined.
 * Counted: every scalar (plain, quoted, block), alias, flow collection and document, and
 * every `-`, `?` or `:` whose node is empty or a block collection. Block collections reached
 * otherwise are not counted, so the count never exceeds the number of nodes yaml builds.
 */
export function tooManyNodesOffset(text: string, max = MAX_YAML_NODES): number | undefined {
  let count = 0;
  let offset = 0;
  // An indicator whose node has not appeared yet.
  let pending = false;
  // The token after a SCALAR marker is the scalar's source, whatever it looks like.
  let scalarSource = false;
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    // The marker tokens (document, flow end, scalar) are not in the source; everything else is.
    if (token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR) offset += token.length;
    if (scalarSource) {
      scalarSource = false;
      continue;
    }
    let node = false;
    switch (CST.tokenType(token)) {
      case 'scalar':
        scalarSource = true;
        node = true;
        pending = false;
        break;
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'alias':
      case 'flow-map-start':
      case 'flow-seq-start':
        node = true;
        pending = false;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        node = pending;
        pending = true;
        break;
      // An indicator still pending when its document ends has an empty node.
      case 'doc-start':
        if (pending && ++count > max) return at;
        node = true;
        pending = false;
        break;
      case 'doc-end':
        node = pending;
        pending = false;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
      case 'comma':
        pending = false;
        break;
      default:
        break;
    }
    if (node && ++count > max) return at;
  }
  return pending && ++count > max ? offset : undefined;
}
