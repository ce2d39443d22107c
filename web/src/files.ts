/**
 * The files a playground scenario can name (a trace's `file`, a `manifestFile`, ConfigMap
 * files), held as text by path: the shipped traces, bundled with the site, and any file
 * the user adds. Paths resolve against the scenario's folder as the CLI resolves them, so
 * the shipped azure-trace scenario finds `traces/azure2021-sample.csv` as it does on disk.
 * Traces are parsed by knsim's own trace readers, given the text.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { ScenarioFiles } from '../../src/scenario/load-text.js';
import type { TraceFormat } from '../../src/scenario/trace-shape.js';
import { parseAzure2021Trace, parseSimpleTrace } from '../../src/scenario/trace.js';

export class PlaygroundFiles implements ScenarioFiles {
  private readonly texts = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [path, text] of Object.entries(initial)) this.add(path, text);
  }

  /** Adds (or replaces) a file at `path`, relative to the scenario. */
  add(path: string, text: string): void {
    this.texts.set(join('.', path), text);
  }

  /** The paths a scenario can name, sorted. */
  list(): string[] {
    return [...this.texts.keys()].sort();
  }

  resolve(scenarioFile: string, path: string): string {
    return isAbsolute(path) ? path : join(dirname(scenarioFile), path);
  }

  private text(path: string): string | { error: string } {
    const t = this.texts.get(join('.', path));
    if (t !== undefined) return t;
    const have = this.list();
    return { error: `not in the playground (it has ${have.length === 0 ? 'no files' : have.join(', ')}; add it with "Add a file the scenario names" under the editor)` };
  }

  read(path: string): Uint8Array | { error: string } {
    const t = this.text(path);
    return typeof t === 'string' ? new TextEncoder().encode(t) : t;
  }

  readTrace(path: string, format: TraceFormat, filter: { app: string | undefined; func: string | undefined }): ReturnType<ScenarioFiles['readTrace']> {
    const t = this.text(path);
    if (typeof t !== 'string') return t;
    return format === 'azure2021' ? parseAzure2021Trace(t, path, filter) : parseSimpleTrace(t, path);
  }
}
