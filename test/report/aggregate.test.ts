import { mkdtempSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.js';
import { UsageError } from '../../src/cli/errors.js';
import { AUTOSCALER_HEADER, LATENCY_CDF_HEADER, REQUEST_SERIES_HEADER, TIMESERIES_HEADER } from '../../src/output/run-outputs.js';
import { breakGaps, bucketMax, bucketStep, bucketSum, intervals, levelMean, timeAxis } from '../../src/output/report/aggregate.js';
import { podDeltas } from '../../src/output/report/charts/pods.js';
import { readCpuSeries } from '../../src/output/report/charts/cpu.js';
import type { RevisionData } from '../../src/output/report/load.js';
import { buildReport, loadRunData, NotARunDirectoryError } from '../../src/output/report/index.js';

describe('time grid', () => {
  it('keeps short runs at 1 s and picks a nice bucket for long ones', () => {
    expect(timeAxis(300)).toMatchObject({ bucketSeconds: 1, buckets: 301, unit: 's' });
    expect(timeAxis(3600)).toMatchObject({ bucketSeconds: 5, unit: 'min' });
    const day = timeAxis(86_400);
    expect(day).toMatchObject({ bucketSeconds: 60, buckets: 1441, unit: 'h' });
  });

  it('levels take the bucket maximum, counts the sum, step functions carry forward', () => {
    const axis = timeAxis(20, 4); // 5 s buckets
    expect(axis.bucketSeconds).toBe(5);
    expect([...bucketMax(axis, [0, 1, 2, 7], [3, 9, 4, 1])].slice(0, 3)).toEqual([9, 1, Number.NaN]);
    // requests-per-second rows are stamped with the end of their second: shifted to its start.
    expect([...bucketSum(axis, [5, 6, 11], [2, 3, 4], -1)].slice(0, 3)).toEqual([2, 3, 4]);
    // desired = 2 at 1 s and 4 at 3 s; nothing until 12 s: buckets 1 and (before 12 s) carry 4.
    expect([...bucketStep(axis, [1, 3, 12], [2, 4, 1])].slice(0, 4)).toEqual([4, 4, 1, 1]);
    expect(bucketStep(axis, [6], [3])[0]).toBeNaN();
  });

  it('levels take the time-weighted bucket mean, whose sum × width is the integral', () => {
    const axis = timeAxis(12, 3); // 5 s buckets, the last one [10, 12) cut at the run's end
    // 0 until 1, 2 from 1, 1 from 7, 3 from 11.
    const m = levelMean(axis, [1, 7, 11], [2, -1, 2]);
    expect([...m]).toEqual([(2 * 4) / 5, (2 * 2 + 1 * 3) / 5, (1 * 1 + 3 * 1) / 2]);
    expect(m[0]! * 5 + m[1]! * 5 + m[2]! * 2).toBe(0 * 1 + 2 * 6 + 1 * 4 + 3 * 1);
    // A run ending on a bucket edge: the empty last bucket shows the level there.
    expect([...levelMean(timeAxis(10, 2), [0, 4], [1, 1])]).toEqual([(1 * 4 + 2 * 1) / 5, 2, 2]);
  });

  it('counts a pod as Ready only from Ready until NotReady, CrashLoopBackOff or Terminating', () => {
    const events: Array<[number, string, string]> = [
      [0, 'p1', 'Pending'], [1, 'p1', 'Starting'], [2, 'p1', 'ActivatorHealthy'], [2, 'p1', 'Ready'], [3, 'p1', 'NotReady'], [4, 'p1', 'Ready'],
      [5, 'p1', 'CrashLoopBackOff'], [6, 'p1', 'Restarted'], [7, 'p1', 'Ready'], [8, 'p1', 'Terminating'], [9, 'p1', 'Gone'],
    ];
    const r = { pods: { time: events.map((e) => e[0]), pod: events.map((e) => e[1]), event: events.map((e) => e[2]) } } as RevisionData;
    const d = podDeltas(r);
    expect(d.ready).toEqual([0, 0, 0, 1, -1, 1, -1, 0, 1, -1, 0]);
    expect(d.notReady).toEqual([1, 0, 0, -1, 1, -1, 1, 0, -1, 0, 0]);
    expect(d.terminating).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1]);
  });

  it('turns on/off samples into periods, merging ones closer than a bucket', () => {
    expect(intervals([0, 2, 4, 6, 8], [0, 1, 1, 0, 1], 10, 1)).toEqual([{ start: 2, end: 6 }, { start: 8, end: 10 }]);
    expect(intervals([0, 2, 4, 6, 8], [0, 1, 1, 0, 1], 10, 3)).toEqual([{ start: 2, end: 10 }]);
    const many = Array.from({ length: 2000 }, (_, i) => i);
    expect(intervals(many, many.map((i) => i % 2), 2000, 0.5, 100).length).toBeLessThanOrEqual(100);
  });

  it('breaks lines across missing data instead of drawing over the hole', () => {
    const rows = [{ t: 0, a: 1 }, { t: 1, a: 2 }, { t: 5, a: 3 }];
    expect(breakGaps(rows, ['a'], 1)).toEqual([{ t: 0, a: 1 }, { t: 1, a: 2 }, { t: 1, a: null }, { t: 5, a: 3 }]);
    expect(breakGaps(rows, ['a'], 1, 1)).toEqual([{ t: 0, a: 1 }, { t: 1, a: 2 }, { t: 2, a: 2 }, { t: 2, a: null }, { t: 5, a: 3 }, { t: 6, a: 3 }]);
  });
});

describe('run directories', () => {
  it('a directory without summary.json is a usage error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-notrun-'));
    expect(() => loadRunData(dir)).toThrow(NotARunDirectoryError);
    await expect(reportCommand(dir)).rejects.toThrow(UsageError);
    await expect(reportCommand(dir)).rejects.toThrow(`${dir}: not a knsim run directory (no summary.json)`);
  });

  it('a file given as the run directory is a usage error saying so (it was an ENOTDIR from stat of <file>/timeseries.csv)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'knsim-notrun-')), 'scenario.yaml');
    writeFileSync(file, 'name: x\n');
    await expect(reportCommand(file)).rejects.toThrow(UsageError);
    await expect(reportCommand(file)).rejects.toThrow(new UsageError(`${file}: not a knsim run directory (it is a file)`));
  });

  it("timeseries.csv's CPU cells: empty (no pod had metrics) reads as no value, a garbage one is refused with its line and column", () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-cpu-'));
    const header = 'time_s,service,revision,cpu_usage_m,cpu_request_m,cpu_utilization_pct\n';
    writeFileSync(join(dir, 'timeseries.csv'), `${header}0.000000,s,s-00001,,,\n1.000000,s,s-00001,250,1000,25\n`);
    const s = readCpuSeries(dir, 10)!.get('s/s-00001')!;
    expect(s.time).toEqual([0, 1]);
    expect(s.usage).toEqual([Number.NaN, 250]);
    expect(s.request).toEqual([Number.NaN, 1000]);
    expect(s.utilization).toEqual([Number.NaN, 25]);
    const file = join(dir, 'timeseries.csv');
    writeFileSync(file, `${header}0.000000,s,s-00001,,,\n1.000000,s,s-00001,250,abc,25\n`);
    expect(() => readCpuSeries(dir, 10)).toThrow(new NotARunDirectoryError(`${file}: line 3, column cpu_request_m: "abc" is not a number ≥ 0 or empty (not a file knsim wrote)`));
    writeFileSync(file, `${header}0.000000,s,s-00001,,,\n11.000000,s,s-00001,250,1000,25\n`);
    expect(() => readCpuSeries(dir, 10)).toThrow(`${file}: line 3, column time_s: "11.000000" is not a time from 0 to 10 s (the run's end) (not a file knsim wrote)`);
  });

  it('a 24-hour run with four revisions stays under 5 MB (synthesized files)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-day-')), 'day');
    mkdirSync(dir);
    const day = 86_400;
    const revs = ['a-00001', 'a-00002', 'a-00003', 'a-00004'];
    const ts: string[] = [TIMESERIES_HEADER.join(',')];
    const as: string[] = [AUTOSCALER_HEADER.join(',')];
    const rq: string[] = [REQUEST_SERIES_HEADER.join(',')];
    const cdf: string[] = [LATENCY_CDF_HEADER.join(',')];
    revs.forEach((rev, k) => {
      for (let t = 0; t <= day; t++) {
        const ready = 1 + Math.round(5 + 4 * Math.sin((t / 3600 + k) * 0.7));
        ts.push(`${t}.000000,a,${rev},0,${t % 97 === 0 ? 1 : 0},${ready},${t % 89 === 0 ? 1 : 0},3,${ready},${t % 50},${t % 7},${ready * 3},${t % 600 < 30 ? 'Proxy' : 'Serve'},25`);
        if (t % 2 === 0) as.push(`${t}.000000,a,${rev},concurrency,70,${ready},${ready * 60.5},${ready * 61.25},${ready},${ready},${t % 3600 < 60 ? 1 : 0},10,Serve,3,1,0`);
        if (t > 0) rq.push(`${t}.000000,a,${rev},${40 + (t % 11)},${38 + (t % 11)},1,1,0,${t % 900 === 0 ? 2 : 0},101.5,180.25,240.125`);
      }
      for (let i = 1; i <= 200; i++) for (const kind of ['all', 'warm']) cdf.push(`a,${rev},${kind},${100 + i},${i / 200}`);
    });
    writeFileSync(join(dir, 'timeseries.csv'), ts.join('\n') + '\n');
    writeFileSync(join(dir, 'autoscaler.csv'), as.join('\n') + '\n');
    writeFileSync(join(dir, 'requests-per-second.csv'), rq.join('\n') + '\n');
    writeFileSync(join(dir, 'latency-cdf.csv'), cdf.join('\n') + '\n');
    const latencyMs = { p50: 101, p90: 170, p95: 180, p99: 240, max: 900 };
    const requests = { total: 1, ok: 1, status503: 0, status504: 0, clientTimeouts: 0, noRoute: 0 };
    const rs = { requests, latencyMs, coldStartRequests: 0, podSeconds: 1, maxReadyPods: 10, panicSeconds: 0 };
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({ scenario: 'day', seed: 1, simulatedSeconds: day, events: 1, wallSeconds: 1, overall: rs, revisions: revs.map((r) => ({ ...rs, service: 'a', revision: r, timeToFirstReadySeconds: null, scaleToZeroAtSeconds: [] })) }),
    );
    const r = await buildReport(dir, { images: false });
    expect(r.charts.map((c) => c.id)).toEqual(['pods', 'ready-pods', 'kpa', 'requests', 'waiting', 'traffic', 'latency-cdf']);
    expect(r.bucketSeconds).toBeGreaterThanOrEqual(60);
    expect(statSync(r.htmlPath).size).toBeLessThan(5 * 1024 * 1024);
  });
});
