/**
 * A trace window past the request limit is refused while it loads, at the first arrival past the
 * limit, with the work estimate's one line: a window of 10^9 arrivals was held (8 to 16 bytes each)
 * before the estimate refused it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceReplaySpec } from '../../src/model/spec.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioText, type ScenarioFiles } from '../../src/scenario/load-text.js';
import { nodeScenarioFiles } from '../../src/scenario/load.js';
import { checkWork } from '../../src/scenario/work-estimate.js';
import { PlaygroundFiles } from '../../web/src/files.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-trace-limit-'));
const scenarioFile = join(dir, 's.yaml');

/** 12,000 arrivals 5 ms apart, 0 to 59.995 s, in time order. */
const simpleText = `${Array.from({ length: 12_000 }, (_, i) => (i * 0.005).toFixed(3)).join('\n')}\n`;
writeFileSync(join(dir, 'simple.csv'), simpleText);

/** 3000 invocations 5 ms apart from 1000 s (arrival = end − duration), in time order. */
const azureRows = Array.from({ length: 3000 }, (_, i) => `a,f,${(1000.01 + i * 0.005).toFixed(3)},0.010`);
writeFileSync(join(dir, 'azure.csv'), `app,func,end_timestamp,duration\n${azureRows.join('\n')}\n`);
// The same with one more, 100 s earlier, as the last row: it is the trace's clock's origin, so the rest start at 100 s, past a 60 s run.
writeFileSync(join(dir, 'azure-earliest-last.csv'), `app,func,end_timestamp,duration\n${azureRows.join('\n')}\na,f,900.010,0.010\n`);

function yaml(clients: string[], duration = '60s'): string {
  return `name: limit
duration: ${duration}
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }
    initialPods: 1
clients:
${clients.map((c) => `  - ${c}`).join('\n')}
`;
}

/** nodeScenarioFiles, counting each read of a trace and the arrivals it gave. */
function counting(base: ScenarioFiles = nodeScenarioFiles): { files: ScenarioFiles; reads: number[] } {
  const reads: number[] = [];
  const files: ScenarioFiles = {
    resolve: base.resolve.bind(base),
    read: base.read.bind(base),
    readTrace(path, format, filter, into) {
      const k = reads.push(0) - 1;
      return base.readTrace(path, format, filter, { add: (a, d) => (reads[k]!++, into.add(a, d)) });
    },
  };
  return { files, reads };
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('not refused');
}

const traceClient = (c: unknown): TraceReplaySpec => c as TraceReplaySpec;

describe('loading a trace stops at the request limit', () => {
  it('simple: refused at the 101st arrival of the window under --max-requests 100, not after 12,000', () => {
    const { files, reads } = counting();
    const text = yaml(['{ name: replay, service: hello, trace: { file: simple.csv } }']);
    const message = refusal(() => loadScenarioText(text, scenarioFile, { maxRequests: 100 }, files));
    expect(message).toBe(`${scenarioFile}: clients[0].trace.file: at least 101 requests in 60 s exceeds the limit of 100 requests (raise with --max-requests)`);
    expect(reads).toEqual([101]);
  });

  it('counts the window the estimate counts: [start, end) holds 6000, which a limit of 6000 takes', () => {
    const text = yaml(['{ name: replay, service: hello, start: 30s, trace: { file: simple.csv } }']);
    const loaded = loadScenarioText(text, scenarioFile, { maxRequests: 6000 }, nodeScenarioFiles);
    expect(traceClient(loaded.world.clients[0]).arrivals.length).toBe(6000);
    expect(checkWork(loaded, { requests: 6000, pods: 1e5, users: 1e5, events: 1e10, inFlight: 1e6, nodeLaunches: 1e5 }).requestsPerClient).toEqual([6000]);
    // One fewer: the arrivals before 30 s (6000 of them) do not count.
    const { files, reads } = counting();
    expect(refusal(() => loadScenarioText(text, scenarioFile, { maxRequests: 5999 }, files))).toBe(
      `${scenarioFile}: clients[0].trace.file: at least 6000 requests in 30 s exceeds the limit of 5999 requests (raise with --max-requests)`,
    );
    expect(reads).toEqual([12_000]);
  });

  it('the trace clients share the limit: the second of two 60 s windows of 12,000 under 20,000', () => {
    const { files, reads } = counting();
    const text = yaml(['{ name: a, service: hello, trace: { file: simple.csv } }', '{ name: b, service: hello, trace: { file: simple.csv } }']);
    expect(refusal(() => loadScenarioText(text, scenarioFile, { maxRequests: 20_000 }, files))).toBe(
      `${scenarioFile}: clients[1].trace.file: at least 8001 requests in 60 s (with the 12000 of the trace clients before it) exceeds the limit of 20000 requests (raise with --max-requests)`,
    );
    expect(reads).toEqual([12_000, 8001]);
  });

  it('azure2021: a window past the limit is read again from its earliest invocation, and refused at the 101st', () => {
    const { files, reads } = counting();
    const text = yaml(['{ name: fn, service: hello, trace: { file: azure.csv, format: azure2021 } }']);
    expect(refusal(() => loadScenarioText(text, scenarioFile, { maxRequests: 100 }, files))).toBe(
      `${scenarioFile}: clients[0].trace.file: at least 101 requests in 60 s exceeds the limit of 100 requests (raise with --max-requests)`,
    );
    // The first read holds no more than its arrays' first 1024 (then only the file's extent); the second stops at the limit.
    expect(reads).toEqual([3000, 101]);
  });

  it('azure2021: an earliest invocation in the last row moves the window away: what the first read held past the limit is not refused', () => {
    const { files, reads } = counting();
    const text = yaml(['{ name: fn, service: hello, trace: { file: azure-earliest-last.csv, format: azure2021 } }']);
    const loaded = loadScenarioText(text, scenarioFile, { maxRequests: 100 }, files);
    expect(reads).toEqual([3001, 3001]);
    // The earliest, at 0 s; the others from 100 s on are past the 60 s run.
    expect(Array.from(traceClient(loaded.world.clients[0]).arrivals)).toEqual([0]);
    expect(Array.from(traceClient(loaded.world.clients[0]).durations!)).toEqual([0.01]);
    const unlimited = loadScenarioText(text, scenarioFile, {}, nodeScenarioFiles);
    expect(Array.from(traceClient(unlimited.world.clients[0]).arrivals)).toEqual([0]);
  });

  it('the playground reads a trace given as text the same way', () => {
    const { files, reads } = counting(new PlaygroundFiles({ 'simple.csv': simpleText }));
    const text = yaml(['{ name: replay, service: hello, trace: { file: simple.csv } }']);
    expect(refusal(() => loadScenarioText(text, 's.yaml', { maxRequests: 100 }, files))).toBe(
      's.yaml: clients[0].trace.file: at least 101 requests in 60 s exceeds the limit of 100 requests (raise with --max-requests)',
    );
    expect(reads).toEqual([101]);
  });
});
