/**
 * The ServerlessService (SKS) rules the KPA depends on (upstream
 * `pkg/reconciler/serverlessservice/serverlessservice.go` and the networking
 * `serverlessservice_lifecycle.go`): which endpoints the public service really gets,
 * and the ActivatorEndpointsPopulated condition behind `ProxyFor()`.
 */
import { requireFinite, requireOneOf } from '../errors.js';
import { requireCount, requireNotAfter } from './kpa-args.js';

/** SKS operation mode: Serve = public endpoints are the revision's pods; Proxy = activators. */
export type SksMode = 'Serve' | 'Proxy';
/** All {@link SksMode} values. */
export const SKS_MODES: readonly SksMode[] = ['Serve', 'Proxy'];

/**
 * The mode the SKS reconciler actually programs: the spec mode, except
 * Proxy when no private (pod) endpoint is ready, and Serve when no activator is ready
 * (the second override wins when both are 0).
 */
export function effectiveSksMode(specMode: SksMode, privateReadyPods: number, activatorReadyEndpoints: number): SksMode {
  requireOneOf('specMode', specMode, SKS_MODES);
  requireCount('privateReadyPods', privateReadyPods);
  requireCount('activatorReadyEndpoints', activatorReadyEndpoints);
  let mode = specMode;
  if (privateReadyPods === 0) mode = 'Proxy';
  if (activatorReadyEndpoints === 0) mode = 'Serve';
  return mode;
}

/**
 * Whether the SKS marks ActivatorEndpointsPopulated True: when there are no ready pod
 * endpoints, or the **spec** mode is Proxy (even if no activator is ready and the
 * effective mode was forced to Serve).
 */
export function activatorEndpointsPopulated(specMode: SksMode, privateReadyPods: number): boolean {
  requireOneOf('specMode', specMode, SKS_MODES);
  requireCount('privateReadyPods', privateReadyPods);
  return privateReadyPods === 0 || specMode === 'Proxy';
}

/** What one SKS reconcile produces, as plain data. */
export interface SksStatus {
  /** The mode actually programmed into the public endpoints. */
  effectiveMode: SksMode;
  /** EndpointsPopulated: at least one ready pod behind the private service. */
  endpointsPopulated: boolean;
  /** When ActivatorEndpointsPopulated last became True; undefined while it is not True. */
  activatorEndpointsPopulatedSinceSeconds: number | undefined;
}

/**
 * One SKS reconcile. `prevActivatorEndpointsPopulatedSinceSeconds` is the previous
 * status's value (undefined for a new SKS or while the condition is False); the time
 * only moves when the condition turns True, so ProxyFor keeps growing while it stays True.
 */
export function reconcileSksStatus(input: {
  nowSeconds: number;
  specMode: SksMode;
  privateReadyPods: number;
  activatorReadyEndpoints: number;
  prevActivatorEndpointsPopulatedSinceSeconds: number | undefined;
}): SksStatus {
  const now = requireFinite('nowSeconds', input.nowSeconds);
  const prev = input.prevActivatorEndpointsPopulatedSinceSeconds;
  if (prev !== undefined) requireNotAfter('prevActivatorEndpointsPopulatedSinceSeconds', prev, now);
  const effectiveMode = effectiveSksMode(input.specMode, input.privateReadyPods, input.activatorReadyEndpoints);
  const populated = activatorEndpointsPopulated(input.specMode, input.privateReadyPods);
  return {
    effectiveMode,
    endpointsPopulated: input.privateReadyPods > 0,
    activatorEndpointsPopulatedSinceSeconds: populated ? (prev ?? now) : undefined,
  };
}

/** ProxyFor(): time since ActivatorEndpointsPopulated became True, 0 when it is not True. */
export function proxyForSeconds(activatorEndpointsPopulatedSinceSeconds: number | undefined, nowSeconds: number): number {
  requireFinite('nowSeconds', nowSeconds);
  if (activatorEndpointsPopulatedSinceSeconds === undefined) return 0;
  requireNotAfter('activatorEndpointsPopulatedSinceSeconds', activatorEndpointsPopulatedSinceSeconds, nowSeconds);
  return nowSeconds - activatorEndpointsPopulatedSinceSeconds;
}
