/**
 * Bundles one autoscaler module with esbuild's asynchronous API, in a worker thread
 * (bundle-sync.ts waits for it). The point is the plugin: esbuild opens every file a module
 * imports, so a named pipe with no writer would block it for good and a device such as
 * /dev/zero would never end, and only a plugin sees a path before esbuild opens it;
 * buildSync takes no plugins.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { BuildOptions, Message, Metafile, Plugin } from 'esbuild';
import { notRegularFile } from './regular-file.js';

/** What the waiting thread gets back: the bundle, or esbuild's errors. */
export type BundleReply =
  | { ok: true; code: string; inputs: string[]; userInputs: string[] }
  | { ok: false; errors: Pick<Message, 'text' | 'location'>[]; message: string };

export interface BundleRequest {
  entry: string;
  /** Largest source file bundled, in bytes. */
  maxFileBytes: number;
  port: MessagePort;
  /** One Int32 set to 1 (and notified) once the reply is posted. */
  done: SharedArrayBuffer;
}

/** Refuses an imported path that is not a regular file, or is too large, before esbuild opens it. */
export function regularFilesOnly(maxFileBytes: number): Plugin {
  return {
    name: 'knsim-regular-files',
    setup(b) {
      b.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace !== 'file') return undefined;
        const why = notRegularFile(args.path);
        if (why !== undefined) return { errors: [{ text: `${args.path} ${why}` }] };
        const size = statSync(args.path, { throwIfNoEntry: false })?.size ?? 0;
        if (size > maxFileBytes) return { errors: [{ text: `${args.path} is ${size} bytes; a bundled source may be at most ${maxFileBytes}` }] };
        return undefined;
      });
    },
  };
}

/** The specifier the README's example imports the interface from. */
export const OWN_AUTOSCALER_SPECIFIER = 'knsim/autoscaler';

/**
 * knsim/autoscaler as the running knsim's own entry (dist/core/autoscaler/index.js, or its .ts
 * source when knsim runs from src/): a module written from the README then bundles wherever it
 * lives, not only inside a project that installed knsim, and always against the interface
 * version of the knsim that runs it.
 */
export function ownAutoscalerEntry(here: string = import.meta.url): string {
  const js = fileURLToPath(new URL('../core/autoscaler/index.js', here));
  return existsSync(js) ? js : fileURLToPath(new URL('../core/autoscaler/index.ts', here));
}

/** Resolves {@link OWN_AUTOSCALER_SPECIFIER} to {@link ownAutoscalerEntry}. */
export function ownAutoscalerPackage(entry: string = ownAutoscalerEntry()): Plugin {
  return {
    name: 'knsim-own-autoscaler',
    setup(b) {
      b.onResolve({ filter: /^knsim\/autoscaler$/ }, () => ({ path: entry }));
    },
  };
}

/**
 * The bundled files the user wrote: those the entry reaches without going through
 * knsim/autoscaler (that interface is the running knsim's own, wherever the module runs).
 * Paths as the metafile names them (relative to the working directory).
 */
export function userInputs(metafile: Metafile): string[] {
  const entry = Object.values(metafile.outputs)[0]?.entryPoint;
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path) || metafile.inputs[path] === undefined) return;
    seen.add(path);
    for (const i of metafile.inputs[path]!.imports) if (i.original !== OWN_AUTOSCALER_SPECIFIER && i.external !== true) visit(i.path);
  };
  if (entry !== undefined) visit(entry);
  return [...seen];
}

export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  write: false,
  logLevel: 'silent',
  sourcemap: 'inline',
  metafile: true,
};

async function run(req: BundleRequest): Promise<void> {
  let reply: BundleReply;
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: [req.entry], plugins: [ownAutoscalerPackage(), regularFilesOnly(req.maxFileBytes)] });
    reply = { ok: true, code: out.outputFiles![0]!.text, inputs: Object.keys(out.metafile!.inputs), userInputs: userInputs(out.metafile!) };
  } catch (e) {
    const errors = ((e as { errors?: Message[] }).errors ?? []).map((m) => ({ text: m.text, location: m.location }));
    reply = { ok: false, errors, message: e instanceof Error ? e.message : String(e) };
  }
  req.port.postMessage(reply);
  const done = new Int32Array(req.done);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

if (workerData !== null && typeof workerData === 'object' && (workerData as { knsimBundle?: unknown }).knsimBundle === true) {
  void run(workerData as BundleRequest);
}
