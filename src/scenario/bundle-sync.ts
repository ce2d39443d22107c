/**
 * esbuild's asynchronous bundling, waited for synchronously: scenarios load synchronously, and
 * only the asynchronous API takes the plugin that refuses pipes and devices (bundle-worker.ts).
 * The worker posts its reply, then sets a shared word this thread sleeps on.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { BundleReply, BundleRequest } from './bundle-worker.js';

/** Largest single source file bundled: far above any hand-written module, far below what would exhaust memory. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

/** How long bundling may take before it is given up on (wall time; only ever hit by a hang). */
export const BUNDLE_TIMEOUT_MS = 120_000;

/** Where the worker comes from: a file in dist/, or its source bundled into a string from src/. */
function workerScript(): { filename: URL | string; eval: boolean } {
  const here = import.meta.url;
  // From src/ (vitest, tsx) the worker is TypeScript, and a loader registered in a worker
  // (tsx's) needs this thread's event loop, which sleeps until the reply: so esbuild turns
  // the source into one CommonJS string first.
  if (here.endsWith('.ts')) {
    const source = fileURLToPath(new URL('./bundle-worker.ts', here));
    const esbuild = createRequire(here)('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [source], bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false,
      external: ['esbuild'], define: { 'import.meta.url': JSON.stringify(pathToFileURL(source).href) },
    });
    return { filename: out.outputFiles[0]!.text, eval: true };
  }
  // dist/scenario/ and dist/bundle/ are equally deep, so one relative path serves both.
  const filename = new URL('../scenario/bundle-worker.js', here);
  if (!existsSync(fileURLToPath(filename))) throw new Error(`knsim's bundling worker is missing: ${fileURLToPath(filename)}`);
  return { filename, eval: false };
}

/** Bundles `entry` (and what it imports) into one CommonJS script, or returns esbuild's errors. */
export function bundleSync(entry: string, timeoutMs = BUNDLE_TIMEOUT_MS): BundleReply {
  const script = workerScript();
  const { port1, port2 } = new MessageChannel();
  const done = new SharedArrayBuffer(4);
  const request: BundleRequest & { knsimBundle: true } = { knsimBundle: true, entry, maxFileBytes: MAX_SOURCE_BYTES, port: port2, done };
  const worker = new Worker(script.filename, { eval: script.eval, workerData: request, transferList: [port2], stdout: true, stderr: true });
  try {
    const woke = Atomics.wait(new Int32Array(done), 0, 0, timeoutMs);
    const reply = receiveMessageOnPort(port1)?.message as BundleReply | undefined;
    if (reply !== undefined) return reply;
    const why = woke === 'timed-out' ? `it did not finish in ${timeoutMs / 1000} s` : 'the bundling worker stopped without an answer';
    return { ok: false, errors: [], message: why };
  } finally {
    port1.close();
    void worker.terminate();
  }
}
