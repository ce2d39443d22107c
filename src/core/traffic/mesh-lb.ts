/**
 * The pod a request sent to a revision's ClusterIP reaches under a mesh (config-network
 * `mesh-compatibility-mode: enabled`): the activator's sidecar proxy, not the activator,
 * balances it over the private Service's ready endpoints. Istio's default since 1.14 is Envoy's
 * LEAST_REQUEST, which with equal weights is "power of two choices" over the proxy's own active
 * requests per endpoint (envoy least_request_lb.cc, unweightedHostPickNChoices, choice_count 2):
 * two independent uniform draws, with replacement; the second replaces the first only if it has
 * strictly fewer active requests, so a tie keeps the first drawn.
 */
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** Envoy's default choice_count. */
export const LEAST_REQUEST_CHOICES = 2;

/**
 * The endpoint index in [0, `count`) that least-request picks. `active(i)` is the proxy's
 * active requests to endpoint i; `randomInt(n)` an integer in [0, n) (injected, so a
 * simulation stays deterministic). −1 when there is no endpoint.
 */
export function leastRequestPick(count: number, active: (index: number) => number, randomInt: (bound: number) => number): number {
  requireInteger('count', count, 0);
  if (count === 0) return -1;
  let pick = -1;
  for (let k = 0; k < LEAST_REQUEST_CHOICES; k++) {
    const i = randomInt(count);
    if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new InvalidArgumentError('randomInt()', `must be an integer in [0, ${count}), got ${i}`);
    if (pick < 0 || active(i) < active(pick)) pick = i;
  }
  return pick;
}
