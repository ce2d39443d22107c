import type { Chart, ChartContext } from './common.js';
import { costChart } from './cost.js';
import { cpuChart } from './cpu.js';
import { kpaChart } from './kpa.js';
import { latencyCdfChart } from './latency-cdf.js';
import { nodesChart } from './nodes.js';
import { podsChart } from './pods.js';
import { readyPodsChart } from './ready-pods.js';
import { requestsChart } from './requests.js';
import { trafficChart } from './traffic.js';
import { waitingChart } from './waiting.js';

export type { Chart, ChartContext } from './common.js';

/** Every chart the report has data for, in report order. */
export function buildCharts(ctx: ChartContext): Chart[] {
  return [podsChart, readyPodsChart, nodesChart, costChart, kpaChart, requestsChart, waitingChart, cpuChart, trafficChart, latencyCdfChart]
    .map((build) => build(ctx))
    .filter((c): c is Chart => c !== undefined);
}
