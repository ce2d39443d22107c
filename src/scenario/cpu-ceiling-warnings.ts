/**
 * `cluster.podCpuCeiling` is read only by the CPU model (`app.cpu`): a scenario that sets it and
 * has no such revision, from the start or from an update, gets a warning that it does nothing
 * (a profile's pods use the profile's CPU, capped by the node, and a fixed service time uses none).
 */
import type { ServiceSpec } from '../model/spec.js';

export function podCpuCeilingWarning(file: string, ceilingMillis: number | undefined, services: readonly ServiceSpec[]): string | undefined {
  if (ceilingMillis === undefined) return undefined;
  if (services.some((s) => s.revisions.some((r) => r.work?.kind === 'cpu'))) return undefined;
  return `${file}: cluster.podCpuCeiling: ${ceilingMillis}m is read by the CPU model only, and no revision has one (app.cpu): it has no effect`;
}
