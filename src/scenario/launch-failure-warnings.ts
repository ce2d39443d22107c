/**
 * A warning for each `cluster.nodePools[].launchFailures` window that starts at or after the
 * run's end: it fails no launch. A warning, not an error, as `updates` and trace windows past the
 * end are taken too, so a shorter `--duration` still runs the scenario.
 */
import { formatPath, shownNumber } from './errors.js';
import type { NodePoolInput } from './schema.js';

export function launchFailureWarnings(file: string, pools: readonly NodePoolInput[] | undefined, runSeconds: number): string[] {
  const out: string[] = [];
  (pools ?? []).forEach((p, i) =>
    (p.launchFailures ?? []).forEach((f, j) => {
      const at = f.at ?? 0;
      if (at < runSeconds) return;
      const path = formatPath(['cluster', 'nodePools', i, 'launchFailures', j, 'at']);
      out.push(`${file}: ${path}: starts at ${shownNumber(at)} s, at or after the run's end (${shownNumber(runSeconds)} s): it fails no NodeClaim launch of pool ${p.name}`);
    }),
  );
  return out;
}
