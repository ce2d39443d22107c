/**
 * knsim/resources — Kubernetes resource quantities (`500m`, `2Gi`, `1e3`) parsed and printed
 * exactly as Kubernetes does, and CPU/memory amounts in millicores and bytes. Pure: no I/O.
 */
export { InvalidArgumentError } from '../errors.js';
export * from './quantity.js';
export * from './resources.js';
