/**
 * autoscaler.csv's and timeseries.csv's rows are written by hand, cell by cell: each column
 * must hold the record field its header names, formatted as the column's kind says, and a
 * row that repeats the previous one must come out the same as one written afresh.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { num } from '../../src/output/csv-writer.js';
import type { AutoscalerRecord, TimeseriesRecord } from '../../src/output/records.js';
import { AUTOSCALER_HEADER, RunOutputs, TIMESERIES_HEADER } from '../../src/output/run-outputs.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-tick-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A header column's record field: snake_case to camelCase. */
const fieldOf = (column: string): string => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A record field as its cell reads: flags 1/0, measures as num() rounds them, the rest as String() writes them. */
function cellOf(v: unknown, measure: boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (measure) return num(v as number);
  return String(v);
}

function decision(time: number, over: Partial<AutoscalerRecord> = {}): AutoscalerRecord {
  return {
    time, service: 'svc', revision: 'svc-00001', metric: 'concurrency', target: 0.7, readyPods: 3, observedStable: 1.2345678,
    observedPanic: 2.5, desired: 4, want: 5, inPanic: true, excessBurstCapacity: -211, sksMode: 'Proxy', activators: 2, valid: false, poke: true, ...over,
  };
}

function sample(time: number, over: Partial<TimeseriesRecord> = {}): TimeseriesRecord {
  return {
    time, service: 'svc', revision: 'svc-00001', pending: 1, starting: 2, ready: 13, terminating: 4, activatorHealthy: 5, replicas: 16,
    activatorWaiting: 7, podQueued: 8, podExecuting: 123456, sksMode: 'Serve', trafficPercent: 33.3333333, ...over,
  };
}

/** Each row's cells after time_s, as the record's fields give them in the header's order. */
function expected(header: readonly string[], rec: object, measures: readonly string[]): string {
  const r = rec as Record<string, unknown>;
  return header.slice(1).map((c) => cellOf(r[fieldOf(c)], measures.includes(c))).join(',');
}

describe('the per-tick row writers', () => {
  const decisions = [
    decision(2),
    decision(4),
    decision(6, { observedStable: Number.NaN, observedPanic: Number.NaN }),
    decision(8, { observedStable: Number.NaN, observedPanic: Number.NaN }),
    decision(10, { inPanic: false, valid: true, poke: false, desired: 12345678901, sksMode: 'Serve', excessBurstCapacity: 0.5 }),
    decision(12, { metric: 'rps', target: 150 }),
  ];
  const samples = [
    sample(1),
    sample(2),
    sample(3, { ready: 0, trafficPercent: 100 }),
    sample(4, { ready: 0, trafficPercent: 100 }),
    sample(5, { ready: 0, trafficPercent: Number.NaN }),
    sample(6, { ready: 0, trafficPercent: Number.NaN }),
    sample(7, { sksMode: 'Proxy', podQueued: 0 }),
  ];

  it('write every column from the field its header names, repeated rows included', () => {
    const out = new RunOutputs({ outDir: dir, requestSampleRate: 0 });
    for (let i = 0; i < samples.length; i++) {
      if (i < decisions.length) out.decision(decisions[i]!);
      out.sample(samples[i]!);
    }
    out.finish({ scenario: 't', seed: 1, simulatedSeconds: 10, events: 0, wallSeconds: 0 });
    const rows = (file: string): string[] => readFileSync(join(dir, file), 'utf8').trim().split('\n');
    expect(rows('autoscaler.csv')[0]).toBe(AUTOSCALER_HEADER.join(','));
    expect(rows('autoscaler.csv').slice(1)).toEqual(
      decisions.map((d) => `${d.time}.000000,${expected(AUTOSCALER_HEADER, d, ['target', 'observed_stable', 'observed_panic'])}`),
    );
    expect(rows('timeseries.csv')[0]).toBe(TIMESERIES_HEADER.join(','));
    expect(rows('timeseries.csv').slice(1)).toEqual(samples.map((s) => `${s.time}.000000,${expected(TIMESERIES_HEADER, s, ['traffic_percent'])}`));
    // Spot checks of the formatting rules, worked out by hand.
    expect(rows('autoscaler.csv')[1]).toBe('2.000000,svc,svc-00001,concurrency,0.7,3,1.234568,2.5,4,5,1,-211,Proxy,2,0,1');
    expect(rows('autoscaler.csv')[3]).toBe('6.000000,svc,svc-00001,concurrency,0.7,3,,,4,5,1,-211,Proxy,2,0,1');
    expect(rows('timeseries.csv')[5]).toBe('5.000000,svc,svc-00001,1,2,0,4,5,16,7,8,123456,Serve,');
  });

  it('write repeated rows of two revisions right across the buffer\'s flushes', () => {
    // About 70 bytes a row: 20,000 rows of each file fill the 256 KB buffer several times, so
    // some repeats find the previous row flushed and format it again. The second revision
    // writes its first and last rows only, equal ones, with the buffer refilled in between.
    const d = join(dir, 'flushes');
    const out = new RunOutputs({ outDir: d, requestSampleRate: 0 });
    const want: Record<string, string[]> = { 'autoscaler.csv': [], 'timeseries.csv': [] };
    for (let t = 0; t < 20_000; t++) {
      for (const revision of t === 0 || t === 19_999 ? ['svc-00001', 'svc-00002'] : ['svc-00001']) {
        // Runs of 1 to 6 equal rows.
        const k = revision === 'svc-00002' ? 0 : Math.floor(t / (1 + (t % 6)));
        const dr = decision(t, { revision, desired: k % 3, observedStable: (k % 5) / 3 });
        const sr = sample(t, { revision, ready: k % 4, podExecuting: k % 7 });
        out.decision(dr);
        out.sample(sr);
        want['autoscaler.csv']!.push(`${t}.000000,${expected(AUTOSCALER_HEADER, dr, ['target', 'observed_stable', 'observed_panic'])}`);
        want['timeseries.csv']!.push(`${t}.000000,${expected(TIMESERIES_HEADER, sr, ['traffic_percent'])}`);
      }
    }
    out.finish({ scenario: 't', seed: 1, simulatedSeconds: 20_000, events: 0, wallSeconds: 0 });
    for (const [file, rows] of Object.entries(want)) {
      expect(readFileSync(join(d, file), 'utf8').trim().split('\n').slice(1)).toEqual(rows);
    }
  });

  it('write a revision seen only in samples (no kept row) the same way', () => {
    const d = join(dir, 'unseen');
    const out = new RunOutputs({ outDir: d, requestSampleRate: 0 });
    for (const s of samples) out.sample(s);
    out.finish({ scenario: 't', seed: 1, simulatedSeconds: 10, events: 0, wallSeconds: 0 });
    expect(readFileSync(join(d, 'timeseries.csv'), 'utf8').trim().split('\n').slice(1)).toEqual(
      samples.map((s) => `${s.time}.000000,${expected(TIMESERIES_HEADER, s, ['traffic_percent'])}`),
    );
  });
});
