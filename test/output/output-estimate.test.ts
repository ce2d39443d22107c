import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estimateOutputBytes, formatBytes, type OutputEstimateInput } from '../../src/output/output-estimate.js';
import { runWorld } from '../../src/run/run-world.js';
import { estimateRunOutputs } from '../../src/run/run-options.js';
import { loadScenario } from '../../src/scenario/load.js';
import { estimateWork } from '../../src/scenario/work-estimate.js';

const root = resolve(import.meta.dirname, '../..');

/** One revision "svc/svc-00001" (14 bytes of names with their commas) for 100 s. */
const base: OutputEstimateInput = {
  durationSeconds: 100,
  revisions: [{ service: 'svc', revision: 'svc-00001' }],
  clients: [{ name: 'c', service: 'svc', requests: 0 }],
  trace: { mode: 'none' },
  series: true,
  resourceColumns: false,
  latencyBucketSeconds: 1,
};

const bytesOf = (input: OutputEstimateInput): Record<string, number> => Object.fromEntries(estimateOutputBytes(input).map((f) => [f.file, f.bytes]));

describe('estimateOutputBytes', () => {
  // A time cell of a 100 s run is "100.000000," (11 bytes).
  const cases: Array<{ name: string; input: Partial<OutputEstimateInput>; want: Record<string, number> }> = [
    {
      name: 'an idle revision: a row a second, a decision every 2 s, no answers',
      input: {},
      want: { 'timeseries.csv': 101 * (11 + 14 + 33), 'autoscaler.csv': 50 * (11 + 14 + 62), 'latency-cdf.csv': 400 * (14 + 28) },
    },
    {
      name: 'CPU and memory columns widen timeseries.csv rows by 26 bytes',
      input: { resourceColumns: true },
      want: { 'timeseries.csv': 101 * (11 + 14 + 33 + 26), 'autoscaler.csv': 50 * (11 + 14 + 62), 'latency-cdf.csv': 400 * (14 + 28) },
    },
    {
      name: 'without the series only the latency CDF is left',
      input: { series: false, clients: [{ name: 'c', service: 'svc', requests: 1000 }] },
      want: { 'latency-cdf.csv': 400 * (14 + 28) },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(bytesOf({ ...base, ...c.input })).toEqual(c.want);
    });
  }

  it('requests-per-second.csv: a row per second with answers, as Poisson arrivals leave seconds empty', () => {
    const at = (requests: number): number => bytesOf({ ...base, clients: [{ name: 'c', service: 'svc', requests }] })['requests-per-second.csv']!;
    const row = 11 + 14 + 44;
    // 10 requests in 100 s: 100 × (1 − e^−0.1) = 9.52 rows; 1,000: all 100 seconds.
    expect(at(10)).toBe(Math.ceil(9.516258 * row));
    expect(at(1000)).toBe(Math.ceil(99.99546 * row));
    // Two revisions of the service share its requests and each has its own seconds.
    const two = bytesOf({ ...base, revisions: [...base.revisions, { service: 'svc', revision: 'svc-00002' }], clients: [{ name: 'c', service: 'svc', requests: 10 }] });
    expect(two['requests-per-second.csv']).toBe(Math.ceil(200 * (1 - Math.exp(-10 / 200)) * row));
  });

  it('latency-buckets.csv: whole-second cells, a row per bucket with answers', () => {
    const b = bytesOf({ ...base, latencyBucketSeconds: 10, clients: [{ name: 'c', service: 'svc', requests: 1e6 }] });
    // 10 buckets, every one answered; "90,10," then the names and 34 bytes.
    expect(b['latency-buckets.csv']).toBe(10 * (3 + 2 + 2 + 14 + 34));
  });

  it('requests.csv: a row per request, a fraction of them when sampled', () => {
    const input = { ...base, series: false, clients: [{ name: 'load', service: 'svc', requests: 5000 }] };
    const full = bytesOf({ ...input, trace: { mode: 'full' } })['requests.csv']!;
    // id (4 digits and a comma), "svc," "load,", the revision twice with the pod suffix and their commas, three times, 40.
    expect(full).toBe(5000 * (5 + 4 + 5 + (18 + 16) + 2 + 33 + 40));
    const sampled = bytesOf({ ...input, trace: { mode: 'sample', rate: 0.25 } })['requests.csv']!;
    expect(sampled).toBe(1250 * (5 + 4 + 5 + (18 + 16) + 2 + 33 + 40));
    expect(bytesOf({ ...input, trace: { mode: 'none' } })['requests.csv']).toBeUndefined();
  });

  it('formatBytes writes powers of 1000 with three digits', () => {
    expect([0, 999, 1000, 16_800, 425_300_000_000, 81.8e12].map(formatBytes)).toEqual(['0 B', '999 B', '1.00 KB', '16.8 KB', '425 GB', '81.8 TB']);
  });
});

describe('the estimate against real runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-estimate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Two services, a trace replay, CPU columns, a rollout of several revisions, a streaming app's first-byte columns.
  for (const name of ['quickstart', 'two-services', 'azure-trace', 'cpu-bound', 'rollout', 'llm-streaming']) {
    it(`${name}: the large files and the total within 0.95–1.35× of what the run wrote`, () => {
      const loaded = loadScenario(join(root, 'scenarios', `${name}.yaml`), { sets: [] });
      const trace = { mode: 'full' } as const;
      const estimate = estimateRunOutputs(loaded.world, { trace, series: true }, estimateWork(loaded).requestsPerClient);
      const out = join(dir, name);
      const run = runWorld(loaded.world, { outDir: out, trace, series: true });
      const size = (f: string): number => (run.files.includes(f) ? statSync(join(out, f)).size : 0);
      let estimated = 0;
      let written = 0;
      for (const e of estimate) {
        estimated += e.bytes;
        written += size(e.file);
        if (['timeseries.csv', 'autoscaler.csv', 'requests.csv'].includes(e.file)) {
          expect(e.bytes / size(e.file), e.file).toBeGreaterThanOrEqual(0.95);
          expect(e.bytes / size(e.file), e.file).toBeLessThanOrEqual(1.35);
        }
      }
      // Every file it writes but pods.csv (rows per pod change) is estimated.
      expect(run.files.filter((f) => f.endsWith('.csv') && f !== 'pods.csv').sort()).toEqual(estimate.map((e) => e.file).sort());
      expect(written).toBeGreaterThan(100_000);
      expect(estimated / written).toBeGreaterThanOrEqual(1);
      expect(estimated / written).toBeLessThanOrEqual(1.35);
    });
  }
});
