/**
 * A stand-in for the configuration reconciler's choice of
 * `status.latestReadyRevisionName` (pkg/reconciler/configuration), for callers
 * that track revisions but not Configuration status.
 */

import { InvalidArgumentError, requireFinite } from '../errors.js';
import type { RevisionInfo } from './types.js';

/**
 * The newest ready revision of `configurationName`, never going back past the
 * current latest ready one: revisions are ranked by generation, and only those
 * at or after the generation of `previous` (when it still exists) are
 * considered. If none of them is ready, `previous` is kept ('' if there was
 * none), as upstream leaves the field alone.
 * @throws {InvalidArgumentError} on a non-finite generation or duplicate generations within the configuration.
 */
export function latestReadyRevisionName(
  revisions: readonly RevisionInfo[],
  configurationName: string,
  previous = '',
): string {
  const own = revisions.filter((r) => r.configurationName === configurationName);
  const seen = new Set<number>();
  for (const r of own) {
    requireFinite(`revisions[${r.name}].generation`, r.generation);
    if (seen.has(r.generation)) {
      throw new InvalidArgumentError(`revisions[${r.name}].generation`, `duplicate generation ${r.generation} in configuration ${JSON.stringify(configurationName)}`);
    }
    seen.add(r.generation);
  }
  const floor = own.find((r) => r.name === previous)?.generation ?? -Infinity;
  let best: RevisionInfo | undefined;
  for (const r of own) {
    if (r.ready && r.generation >= floor && (best === undefined || r.generation > best.generation)) best = r;
  }
  return best ? best.name : previous;
}
