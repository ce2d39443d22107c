/**
 * Whether a single run should switch to hdr-histogram-js's WebAssembly build. Starting it
 * costs about 50 ms of CPU (decoding and compiling the module; its loader also probes
 * `Response`, which loads node's fetch implementation); it saves about 0.25 µs per request
 * (measured: quickstart at 1,000 req/s, 3 M requests, 2.8 s against 3.55 s). Both builds
 * give the same numbers, so this only moves CPU time.
 */
import { enableFastHistograms } from '../output/latency.js';
import type { WorkEstimate } from '../scenario/work-estimate.js';

/** Below this many expected requests the JS build is cheaper over the whole process. */
export const FAST_HISTOGRAMS_FROM_REQUESTS = 500_000;

export function expectedRequests(work: Pick<WorkEstimate, 'requests'>): number {
  return work.requests.reduce((sum, item) => sum + item.amount, 0);
}

/** Enables the WebAssembly histograms when the run is large enough to pay for them. */
export async function histogramsFor(work: Pick<WorkEstimate, 'requests'>): Promise<void> {
  if (expectedRequests(work) >= FAST_HISTOGRAMS_FROM_REQUESTS) await enableFastHistograms();
}
