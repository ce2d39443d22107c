/**
 * GOMAXPROCS of a Go process that calls go.uber.org/automaxprocs's `maxprocs.Set()` at start, as
 * Knative's components do (knative.dev/pkg injection/sharedmain's init, which the activator
 * imports; the queue-proxy calls it too): the container's CFS quota in cores, rounded down, at
 * least 1, unless the GOMAXPROCS environment variable is set (Knative's manifests set none).
 * The runtime runs Go code on at most that many threads at once, so such a process never uses
 * more cores than this, whatever its node has; under a limit below 1 core it can still use 1
 * and so spends its quota early in each period.
 */
export function automaxprocs(quotaMillis: number): number {
  return Math.max(1, Math.floor(quotaMillis / 1000));
}
