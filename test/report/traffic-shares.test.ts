import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.js';
import { UsageError } from '../../src/cli/errors.js';
import { TIMESERIES_HEADER } from '../../src/output/run-outputs.js';
import { loadRunData, NotARunDirectoryError } from '../../src/output/report/index.js';

/** A run directory of service `a` whose timeseries.csv gives each revision `percents[i]` % at 5 s. */
function runDir(percents: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-traffic-'));
  const revs = percents.map((_, i) => `a-${String(i + 1).padStart(5, '0')}`);
  const rows = revs.map((r, i) => `5.000000,a,${r},0,0,1,0,3,1,0,0,0,Serve,${percents[i]}`);
  writeFileSync(join(dir, 'timeseries.csv'), [TIMESERIES_HEADER.join(','), ...rows].join('\n') + '\n');
  const latencyMs = { p50: 1, p90: 1, p95: 1, p99: 1, max: 1 };
  const requests = { total: 1, ok: 1, status503: 0, status504: 0, clientTimeouts: 0, noRoute: 0 };
  const rs = { requests, latencyMs, coldStartRequests: 0, podSeconds: 1, maxReadyPods: 1, panicSeconds: 0 };
  const summary = { scenario: 'x', seed: 1, simulatedSeconds: 10, events: 1, wallSeconds: 1, overall: rs, revisions: [{ ...rs, service: 'a', revision: revs[0], timeToFirstReadySeconds: null, scaleToZeroAtSeconds: [] }] };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  return dir;
}

describe("timeseries.csv's traffic shares", () => {
  it('a service whose revisions add up to more than 100 % at one time is refused (500 such rows asked the traffic chart for a 100,000-pixel image and gigabytes)', async () => {
    const dir = runDir([100, 100, 100]);
    const file = join(dir, 'timeseries.csv');
    const message = `${file}: column traffic_percent: the revisions of service "a" add up to more than 100 at 5 s (200), but a Route's shares add up to 100 (not a file knsim wrote)`;
    expect(() => loadRunData(dir)).toThrow(new NotARunDirectoryError(message));
    await expect(reportCommand(dir)).rejects.toThrow(new UsageError(message));
  });

  it('shares that add up to 100, rounded or split, load', () => {
    expect(loadRunData(runDir([60, 40])).revisions.map((r) => r.timeseries.trafficPercent)).toEqual([[60], [40]]);
    expect(loadRunData(runDir([33.34, 33.34, 33.34])).revisions).toHaveLength(3);
    expect(loadRunData(runDir([100, 0, 0])).revisions).toHaveLength(3);
  });
});
