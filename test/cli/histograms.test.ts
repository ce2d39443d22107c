/** Which runs switch to the WebAssembly histograms: by the requests the work estimate expects. */
import { describe, expect, it } from 'vitest';
import { expectedRequests, FAST_HISTOGRAMS_FROM_REQUESTS } from '../../src/cli/histograms.js';
import { loadScenario } from '../../src/scenario/index.js';
import { estimateWork } from '../../src/scenario/work-estimate.js';

describe('expectedRequests', () => {
  it.each([
    // 30 req/s from 10 s to 2 min 10 s.
    { file: 'scenarios/quickstart.yaml', sets: [], requests: 3600, fast: false },
    // The sweep bench's runs: 1,000 req/s from 10 s to the end at 300 s.
    { file: 'scenarios/quickstart.yaml', sets: ['clients[0].open.rate.steps[1].rps=1000', 'clients[0].open.rate.steps[2].at=5m'], durationSeconds: 300, requests: 290_000, fast: false },
    { file: 'scenarios/quickstart.yaml', sets: ['clients[0].open.rate.steps[1].rps=1000', 'clients[0].open.rate.steps[2].at=60m'], durationSeconds: 3000, requests: 2_990_000, fast: true },
  ])('$file with $sets: $requests requests', ({ file, sets, durationSeconds, requests, fast }) => {
    const loaded = loadScenario(file, { sets, ...(durationSeconds !== undefined ? { durationSeconds } : {}) });
    const n = expectedRequests(estimateWork(loaded));
    expect(n).toBeCloseTo(requests, 6);
    expect(n >= FAST_HISTOGRAMS_FROM_REQUESTS).toBe(fast);
  });
});
