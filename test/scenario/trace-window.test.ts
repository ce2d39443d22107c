/**
 * A trace client holds only the arrivals it can send: a large trace of which a run uses a
 * minute holds that minute. What it replays, and each request's uniforms, are those of the
 * whole trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { TraceReplaySpec } from '../../src/model/spec.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { parseAzure2021Trace, parseSimpleTrace, shapeTrace, TraceCollector } from '../../src/scenario/trace.js';
import { MemoryRecorder } from '../model/world-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-trace-window-'));

/** 12,000 arrivals 5 ms apart (0 to 59.995 s), each with a duration of its own, written in an order that is not time order. */
const simpleLines = Array.from({ length: 12_000 }, (_, i) => {
  const k = (i * 7919) % 12_000; // 7919 is prime to 12,000: a permutation
  return `${(k * 0.005).toFixed(3)},${(0.01 + (k % 50) / 1000).toFixed(3)}`;
});
const simpleFile = join(dir, 'simple.csv');
writeFileSync(simpleFile, `arrival,duration\n${simpleLines.join('\n')}\n`);

/** 12,000 invocations, the earliest last in the file (arrival = end − duration from 1000 s). */
const azureRows = Array.from({ length: 12_000 }, (_, i) => {
  const k = 11_999 - i;
  return `app${k % 2},f,${(1000 + k * 0.005 + 0.02).toFixed(3)},0.020`;
});
const azureFile = join(dir, 'azure.csv');
writeFileSync(azureFile, `app,func,end_timestamp,duration\n${azureRows.join('\n')}\n`);

function scenario(client: Record<string, unknown>, duration = '10s') {
  return scenarioFromValue(
    {
      name: 'window',
      duration,
      services: [
        {
          manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } },
          initialPods: 2,
          app: { serviceTime: { dist: 'lognormal', median: '20ms', p99: '200ms' } },
        },
      ],
      clients: [{ name: 'replay', service: 'hello', ...client }],
    },
    join(dir, 's.yaml'),
  );
}

const traceClient = (l: ReturnType<typeof scenario>): TraceReplaySpec => {
  const c = l.world.clients[0]!;
  if (c.kind !== 'trace') throw new Error('not a trace client');
  return c;
};

describe('a trace client holds the arrivals of its window only', () => {
  it('simple: [start, end), sorted, durations with their requests', () => {
    const c = traceClient(scenario({ start: '2s', end: '8s', trace: { file: simpleFile, offset: '1s', timeScale: 0.5 } }));
    // offset + t × 0.5 = 1 + 0.0025 k falls in [2, 8) for k = 400 … 2799.
    expect(c.arrivals.length).toBe(2400);
    const whole = shapeTrace(parseSimpleTrace({ path: simpleFile }, simpleFile), { format: 'simple', timeScale: 0.5, offsetSeconds: 1, useDurations: true });
    const from = whole.arrivals.findIndex((a) => a >= 2);
    expect(Array.from(c.arrivals)).toEqual(Array.from(whole.arrivals.subarray(from, from + 2400)));
    expect(Array.from(c.durations!)).toEqual(Array.from(whole.durations!.subarray(from, from + 2400)));
    expect(c.arrivals[0]).toBe(2);
    expect(c.arrivals[2399]).toBe(1 + 13.995 * 0.5);
  });

  it('azure2021: times count from the earliest invocation, even when it is the file\'s last row', () => {
    const c = traceClient(scenario({ trace: { file: azureFile, format: 'azure2021', offset: '3s', app: 'app0' } }));
    // app0's arrivals are 1000 + 0.005 k for even k; the earliest (k = 0) lands at 3 s, so [3, 10) holds k < 1400.
    expect(c.arrivals.length).toBe(700);
    expect(c.arrivals[0]).toBe(3);
    expect(c.arrivals[1]).toBe(3 + (1000.03 - 0.02 - (1000.02 - 0.02)));
    expect(c.durations!.every((d) => d === 0.02)).toBe(true);
    const raw = parseAzure2021Trace({ path: azureFile }, azureFile, { app: 'app0' });
    const whole = shapeTrace(raw, { format: 'azure2021', timeScale: 1, offsetSeconds: 3, useDurations: true });
    expect(Array.from(c.arrivals)).toEqual(Array.from(whole.arrivals.filter((a) => a < 10)));
  });

  it('a client that starts on a condition keeps every arrival before its end, whatever its start', () => {
    const c = traceClient(scenario({ startWhen: { revision: 'hello-00001', readyPods: 1 }, end: '4s', trace: { file: simpleFile } }));
    // Its times move by its start, so [0, 4) of the trace: k < 800.
    expect(c.arrivals.length).toBe(800);
    expect(c.arrivals[0]).toBe(0);
  });

  it('a client that starts on a condition and sends `for` a time keeps the arrivals of that time only', () => {
    // It sends trace times [0, for) from its start: [2, 10) of the run would never be sent (it held 2000).
    const c = traceClient(scenario({ startWhen: { revision: 'hello-00001', readyPods: 1 }, for: '2s', trace: { file: simpleFile } }));
    expect(c.arrivals.length).toBe(400);
    expect(c.arrivals[399]).toBe(1.995);
  });

  it('the warning for a window that misses the trace counts and spans the whole file', () => {
    const l = scenario({ start: '9s', trace: { file: simpleFile, offset: '20s' } });
    expect(traceClient(l).arrivals.length).toBe(0);
    expect(l.warnings).toEqual([
      `${join(dir, 's.yaml')}: clients[0].trace.file: none of its 12000 arrivals (20 s to 79.995 s once shifted and scaled) falls in the client's sending window [9 s, 10 s): it sends no request`,
    ]);
  });

  it('an overflowing arrival is refused though it is past the window', () => {
    const file = join(dir, 'overflow.csv');
    writeFileSync(file, 'app,func,end_timestamp,duration\na,f,-1.7e308,1\na,f,1.7e308,1\n');
    expect(() => scenario({ trace: { file, format: 'azure2021' } })).toThrow('its arrivals span more than a finite time once shifted and scaled (offset 0 s, timeScale 1): the last is Infinity');
  });
});

describe('the replay of a window is the whole trace\'s', () => {
  it('same requests at the same times, each with the same route and work', () => {
    const l = scenario({ start: '2s', end: '8s', trace: { file: simpleFile, useDurations: false } });
    const c = traceClient(l);
    const whole = shapeTrace(parseSimpleTrace({ path: simpleFile }, simpleFile), { format: 'simple', timeScale: 1, offsetSeconds: 0, useDurations: false });
    const replay = (arrivals: Float64Array) => {
      const rec = new MemoryRecorder();
      new World({ ...l.world, clients: [{ ...c, arrivals }] }, rec).run();
      return rec.requests.map((r) => [r.id, r.arrival, r.serviceStart, r.end, r.status]).sort((x, y) => x[0]! - y[0]!);
    };
    const kept = replay(c.arrivals);
    // k = 400 … 1599: 1200 requests from 2 s to 7.995 s.
    expect(kept).toHaveLength(1200);
    expect(kept[0]![1]).toBe(2);
    expect(kept[1199]![1]).toBe(7.995);
    expect(kept).toEqual(replay(whole.arrivals));
  });

  it('holds a window of a trace sorted or not alike (the collector sorts only when it must)', () => {
    const opts = { format: 'simple' as const, timeScale: 1, offsetSeconds: 0, useDurations: true };
    const window = { fromSeconds: 1, endSeconds: 2, runSeconds: 60 };
    const sorted = new TraceCollector(opts, window);
    const shuffled = new TraceCollector(opts, window);
    const times = Array.from({ length: 400 }, (_, i) => i * 0.01);
    times.forEach((t, i) => sorted.add(t, i));
    times.map((t, i) => [t, i] as const).reverse().forEach(([t, i]) => shuffled.add(t, i));
    const a = sorted.finish();
    const b = shuffled.finish();
    expect(Array.from(a.arrivals)).toEqual(times.filter((t) => t >= 1 && t < 2));
    expect(Array.from(b.arrivals)).toEqual(Array.from(a.arrivals));
    expect(Array.from(b.durations!)).toEqual(Array.from(a.durations!));
    expect([a.count, a.first, a.last]).toEqual([400, 0, 3.99]);
  });
});
