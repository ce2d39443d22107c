/**
 * A streamed response (app.stream): the activator's and queue-proxy's response-start and idle
 * timeouts time the app's writes, not its whole response (pkg/http/handler/timeout.go).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, loadRunData, reportCharts } from '../../src/output/report/index.js';
import type { RunSettings } from '../../src/output/settings.js';
import type { RunSummary } from '../../src/output/summary.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { evaluateExpectation } from '../../src/expect/evaluate.js';
import { parseExpectation } from '../../src/expect/parse.js';
import { metricsOf } from '../../src/output/metrics.js';
import { checkMeasured } from '../../src/sweep/tune.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { STATUS_BAD_GATEWAY, STATUS_CLIENT_TIMEOUT, STATUS_OK, STATUS_TIMEOUT } from '../../src/model/request.js';
import { World } from '../../src/model/world.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { blankRequestRecord, fillRequestRecord } from '../../src/run/run-recorder.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { MemoryRecorder } from './world-fixture.js';

interface Opts {
  stream?: Record<string, unknown>;
  timeouts?: Record<string, number>;
  app?: Record<string, unknown>;
  clientTimeout?: string;
}

/** An LLM-like app: 20 s of generation (median) on 2 warm pods, 0.5 requests a second. */
function scenario(o: Opts = {}): Record<string, unknown> {
  return {
    name: 'llm',
    seed: 1,
    duration: '10m',
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'llm' },
          spec: { template: { spec: { containerConcurrency: 4, ...o.timeouts, containers: [{ image: 'llm' }] } } },
        },
        initialPods: 2,
        app: { serviceTime: { dist: 'lognormal', median: '20s', p99: '60s' }, ...(o.stream !== undefined ? { stream: o.stream } : {}), ...o.app },
      },
    ],
    clients: [{ name: 'chat', service: 'llm', open: { process: 'poisson', rps: 0.5 }, ...(o.clientTimeout !== undefined ? { timeout: o.clientTimeout } : {}) }],
  };
}

function run(o: Opts): MemoryRecorder {
  const rec = new MemoryRecorder();
  new World(scenarioFromValue(scenario(o), 'llm.yaml').world, rec).run();
  return rec;
}

const statuses = (rec: MemoryRecorder) => {
  const by = new Map<number, number>();
  for (const r of rec.requests) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  return by;
};

describe('a streamed response and the timeout handlers', () => {
  it('responseStartTimeoutSeconds: 10 cuts every whole-response request past 10 s, and none that streams its first byte in time', () => {
    const whole = run({ timeouts: { responseStartTimeoutSeconds: 10 } });
    const streamed = run({ timeouts: { responseStartTimeoutSeconds: 10 }, stream: { firstByte: '800ms', interval: '50ms' } });
    // Without streaming the timer bounds the whole request: most 20 s requests get 504 at 10 s.
    expect(statuses(whole).get(STATUS_TIMEOUT)! / whole.requests.length).toBeGreaterThan(0.8);
    for (const r of whole.requests.filter((x) => x.status === STATUS_TIMEOUT)) expect(r.end - (r.arrival + 0.001)).toBeCloseTo(10, 6);
    // Streamed, the first byte comes 0.8 s into the work: a 504 only for one that waited over 9.2 s in a queue.
    for (const r of streamed.requests) {
      if (r.status === STATUS_TIMEOUT) expect(r.serviceStart - r.routedAt + 0.8).toBeGreaterThan(10);
      else expect(r.status).toBe(STATUS_OK);
    }
    expect(statuses(streamed).get(STATUS_OK)).toBeGreaterThan(0.9 * streamed.requests.length);
    // The README's figures: 263 of 280 answered with 504, against none of 275.
    expect([whole.requests.length, statuses(whole).get(STATUS_TIMEOUT)]).toEqual([280, 263]);
    expect([streamed.requests.length, statuses(streamed).get(STATUS_TIMEOUT) ?? 0]).toEqual([275, 0]);
  });

  it('idleTimeoutSeconds: 5 with a write every 6 s: each 504 comes 5 s after the first byte; every 4 s: none', () => {
    const cut = run({ timeouts: { idleTimeoutSeconds: 5 }, stream: { firstByte: '800ms', interval: '6s' } });
    const cuts = cut.requests.filter((r) => r.status === STATUS_TIMEOUT);
    expect(cuts.length).toBeGreaterThan(200);
    // Each whose first byte came in time: 5 s after it (every request's work here is longer than 5.8 s).
    const inTime = cuts.filter((r) => r.serviceStart + 0.8 <= r.routedAt + 5);
    expect(inTime.length).toBeGreaterThan(200);
    for (const r of inTime) expect(r.end - r.serviceStart).toBeCloseTo(5.8, 6);
    // The others waited so long in a queue that the timer, timed from the zero time, beat the first byte.
    for (const r of cuts.filter((x) => !inTime.includes(x))) expect(r.end - r.routedAt).toBeCloseTo(5, 6);
    const ok = run({ timeouts: { idleTimeoutSeconds: 5 }, stream: { firstByte: '800ms', interval: '4s' } });
    const late = ok.requests.filter((r) => r.status === STATUS_TIMEOUT);
    expect(late.length).toBeLessThan(0.05 * ok.requests.length);
    for (const r of late) {
      expect(r.end - r.routedAt).toBeCloseTo(5, 6);
      expect(Number.isNaN(r.serviceStart) || r.serviceStart + 0.8 > r.routedAt + 5).toBe(true);
    }
  });

  it('the revision timeout ends a stream that outlives it, bytes written or not', () => {
    const rec = run({ timeouts: { timeoutSeconds: 30 }, stream: { firstByte: '0s', interval: '100ms' } });
    const cut = rec.requests.filter((r) => r.status === STATUS_TIMEOUT);
    expect(cut.length).toBeGreaterThan(0);
    for (const r of cut) expect(r.end - r.routedAt).toBeCloseTo(30, 6);
    for (const r of rec.requests.filter((x) => x.status === STATUS_OK)) expect(r.end - r.routedAt).toBeLessThanOrEqual(30);
  });

  it('a slowdown stretches the writes as it stretches the work: the first byte 3 × 0.8 s into it', () => {
    const rec = run({ stream: { firstByte: '800ms', interval: '1s' }, app: { faults: [{ kind: 'slowdown', at: '2m', factor: 3 }] } });
    const before = rec.requests.filter((r) => r.status === STATUS_OK && r.serviceStart < 120);
    const after = rec.requests.filter((r) => r.status === STATUS_OK && r.serviceStart > 120);
    expect(before.length).toBeGreaterThan(20);
    expect(after.length).toBeGreaterThan(20);
    // Every request here works longer than 2.4 s (lognormal, median 20 s, times 3 after the slowdown).
    for (const r of before) expect(r.firstByteAt - r.serviceStart).toBeCloseTo(0.8, 9);
    for (const r of after) expect(r.firstByteAt - r.serviceStart).toBeCloseTo(2.4, 9);
  });

  it('a stream its container cuts off (a crash) is counted 502 at the exit, its first byte written or not, and has no first byte in the outputs', () => {
    const rec = run({ stream: { firstByte: '800ms', interval: '50ms' }, app: { faults: [{ kind: 'crash', at: '5m', pods: 1 }] } });
    const cut = rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY);
    // The one request the crashed pod was executing at 300 s, well past its first byte.
    expect(cut).toHaveLength(1);
    for (const r of cut) {
      expect(r.end).toBe(300);
      expect(r.serviceStart + 0.8).toBeLessThan(300);
    }
    // The recorder writes a first byte only for a 200 (the client saw the status line 200, then its body cut short).
    for (const r of cut) {
      expect(Number.isNaN(r.firstByteAt)).toBe(false);
      expect(fillRequestRecord(blankRequestRecord(), r).firstByteSeconds).toBeNaN();
    }
  });

  it("the client's own timeout still ends the request first when it is earlier", () => {
    const rec = run({ timeouts: { responseStartTimeoutSeconds: 10 }, stream: { firstByte: '800ms' }, clientTimeout: '15s' });
    const gaveUp = rec.requests.filter((r) => r.status === STATUS_CLIENT_TIMEOUT);
    expect(gaveUp.length).toBeGreaterThan(0);
    for (const r of gaveUp) expect(r.end - r.arrival).toBeCloseTo(15, 6);
  });

  it("summary.json's firstByteMs: the first byte's percentiles, within the whole response's", () => {
    const s = summarizeWorld(scenarioFromValue(scenario({ stream: { firstByte: '800ms', interval: '50ms' } }), 'llm.yaml').world);
    const rev = s.revisions[0]!;
    expect(rev.firstByteMs).toBeDefined();
    const fb = rev.firstByteMs!;
    // Sent to first byte: the 1 ms ingress hop, any queueing, then 0.8 s of work (3 significant digits).
    expect(fb.p50).toBeGreaterThanOrEqual(800);
    expect(fb.p50).toBeLessThan(fb.p99 + 1e-9);
    expect(fb.max).toBeLessThanOrEqual(rev.latencyMs.max);
    expect(fb.p50).toBeLessThan(rev.latencyMs.p50);
    // Only a streaming revision has it.
    expect(summarizeWorld(scenarioFromValue(scenario(), 'llm.yaml').world).revisions[0]!.firstByteMs).toBeUndefined();
  });

  it('requests.csv agrees with firstByteMs; the text summary, settings.json and the report say it; a run without streams has none of it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-stream-')), 'run');
    runWorld(scenarioFromValue(scenario({ stream: { firstByte: '800ms', interval: '50ms' } }), 'llm.yaml').world, { outDir: out, trace: { mode: 'full' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    // From the trace: sent to the start of the work plus 0.8 s (or the whole work, if shorter), for each 200.
    const lines = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    const head = lines[0]!.split(',');
    const col = (name: string) => head.indexOf(name);
    // requests.csv's own first_byte_ms column says the same, to its ms rounding (3 decimals); empty for the others.
    expect(head.at(-1)).toBe('first_byte_ms');
    for (const c of lines.slice(1).map((l) => l.split(','))) {
      const start = Number(c[col('service_start_s')]);
      if (c[col('status')] !== '200') expect(c[col('first_byte_ms')]).toBe('');
      else expect(Math.abs(Number(c[col('first_byte_ms')]) - (start + Math.min(0.8, Number(c[col('end_s')]) - start) - Number(c[col('arrival_s')])) * 1000)).toBeLessThanOrEqual(0.003);
    }
    const ms = lines
      .slice(1)
      .map((l) => l.split(','))
      .filter((c) => c[col('status')] === '200')
      .map((c) => {
        const start = Number(c[col('service_start_s')]);
        return (start + Math.min(0.8, Number(c[col('end_s')]) - start) - Number(c[col('arrival_s')])) * 1000;
      });
    expect(ms).toHaveLength(s.overall.requests.ok);
    // The trace's times are rounded to the µs, three of them here.
    expect(Math.abs(Math.max(...ms) - s.overall.firstByteMs!.max)).toBeLessThanOrEqual(0.002);
    expect(s.overall.firstByteMs).toEqual(s.revisions[0]!.firstByteMs);
    const fb = s.overall.firstByteMs!;
    expect(textSummary(s, out, [])).toContain(`first byte ms (streamed 200s): p50 ${fb.p50}  p95 ${fb.p95}  p99 ${fb.p99}  max ${fb.max}`);
    const settings = JSON.parse(readFileSync(join(out, 'settings.json'), 'utf8')) as RunSettings;
    expect(settings.revisions[0]!.stream).toEqual({ firstByteSeconds: 0.8, intervalSeconds: 0.05 });
    await buildReport(out, { images: false });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<td>response written (app.stream)</td><td>first byte 0.8 s into the work, then a write every 0.05 s</td>');
    expect(html).toContain('<td>first byte p99, streamed responses (ms)</td>');

    const plain = join(mkdtempSync(join(tmpdir(), 'knsim-stream-')), 'run');
    runWorld(scenarioFromValue(scenario(), 'llm.yaml').world, { outDir: plain, trace: { mode: 'full' } });
    expect(readFileSync(join(plain, 'requests.csv'), 'utf8').split('\n')[0]).toBe('id,service,revision,client,arrival_s,service_start_s,end_s,latency_ms,status,route,pod,cold,activator_queue_ms,pod_queue_ms');
    const ps = JSON.parse(readFileSync(join(plain, 'summary.json'), 'utf8')) as RunSummary;
    expect(ps.overall.firstByteMs).toBeUndefined();
    expect(textSummary(ps, plain, [])).not.toContain('first byte');
    await buildReport(plain, { images: false });
    const plainHtml = readFileSync(join(plain, 'report.html'), 'utf8');
    expect(plainHtml).not.toContain('first byte p99');
    expect(plainHtml).not.toContain('response written (app.stream)');
  });

  it('on a report grid coarser than 1 s the first-byte panel draws the percentiles of all streamed 200s in each bucket (latency-buckets.csv)', () => {
    const value = { ...scenario({ stream: { firstByte: '800ms', interval: '50ms' } }), duration: '3h' };
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-stream-')), 'run');
    runWorld(scenarioFromValue(value, 'llm.yaml').world, { outDir: out, trace: { mode: 'none' } });
    const c = reportCharts(loadRunData(out)).charts.find((x) => x.id === 'requests')!;
    const spec = c.spec as { title: { subtitle: string[] }; vconcat: Array<{ title: string }> };
    expect(spec.vconcat.map((p) => p.title)).toEqual([
      'llm-00001: completions per second (mean over each 10 s bucket)',
      'llm-00001: latency of successful (200) requests, percentiles of all 200s in each 10 s bucket',
      'llm-00001: first byte of streamed 200s, percentiles of all streamed 200s in each 10 s bucket',
    ]);
    expect(spec.title.subtitle[1]).toBe('Shown in 10 s buckets (rates are bucket averages; percentiles are of all the 200s completed in the bucket).');
  });

  it('first_byte_p99_ms: the sweep metric and expectation; none without a stream; the tuner refuses it where no run could have it', () => {
    const streamed = summarizeWorld(scenarioFromValue(scenario({ stream: { firstByte: '800ms', interval: '50ms' } }), 'llm.yaml').world);
    const plain = summarizeWorld(scenarioFromValue(scenario(), 'llm.yaml').world);
    expect(metricsOf(streamed).first_byte_p99_ms).toBe(streamed.overall.firstByteMs!.p99);
    expect(metricsOf(plain).first_byte_p99_ms).toBeNaN();
    const check = (text: string, s: RunSummary) => evaluateExpectation(parseExpectation(text, 'llm.yaml', 0), s, 'llm.yaml');
    const p99 = streamed.overall.firstByteMs!.p99;
    expect(check(`ttfbP99 <= ${p99}ms`, streamed)).toMatchObject({ pass: true });
    expect(check(`first_byte_p99_ms < ${p99}`, streamed)).toMatchObject({ pass: false });
    expect(check('first_byte_p99_ms < 2s', plain)).toMatchObject({ pass: false, actual: 'none (no streamed response succeeded: app.stream, and a 200)' });
    expect(() => checkMeasured(false, [], [], 'first_byte_p99_ms', 'ttfbP99', false)).toThrow(
      '--objective ttfbP99: no revision of the scenario streams its response (app.stream), so its runs have no p99 time to first byte (ms); choose another metric or give the app a stream',
    );
    expect(() => checkMeasured(false, [], [], 'first_byte_p99_ms', 'ttfbP99', true)).not.toThrow();
    // A swept app setting may give it a stream.
    expect(() => checkMeasured(false, parseAxes(['services[0].app.stream.firstByte=1s,2s'], '--space'), [], 'first_byte_p99_ms', 'ttfbP99', false)).not.toThrow();
  });

  it.each([
    [{ app: { cpu: { work: '1s' }, serviceTime: undefined }, stream: {} }, 'llm.yaml: services[0].app.stream: a streamed response is simulated for an app given by serviceTime only, not with the CPU model (cpu)'],
    [{ stream: {}, app: { faults: [{ kind: 'hang', at: '1m' }] } }, 'llm.yaml: services[0].app.faults[0]: a hang is not simulated for an app that streams its response (app.stream): leave one of them out'],
    [{ stream: { interval: '0s' } }, 'llm.yaml: services[0].app.stream.interval'],
  ])('refuses %j', (o, message) => {
    expect(() => scenarioFromValue(scenario(o as Opts), 'llm.yaml')).toThrow(ScenarioError);
    expect(() => scenarioFromValue(scenario(o as Opts), 'llm.yaml')).toThrow(message);
  });
});
