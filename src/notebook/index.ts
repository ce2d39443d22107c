/**
 * Helpers for the teaching notebooks in notebooks/ (imported there as
 * `../dist/notebook/index.js`): in-memory simulation with per-tick data, chart
 * builders, display, and small statistics. Nothing here imports vega at load time.
 */
export * from './simulate.js';
export * from './stats.js';
export * from './charts.js';
export * from './display.js';
export * from './replicate.js';
export * from './cites.js';
