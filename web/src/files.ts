/**
 * The files a playground scenario can name (a trace's `file`, a `manifestFile`, ConfigMap
 * files), held as text by path: the shipped traces, bundled with the site, and any file
 * the user adds. Paths resolve against the scenario's folder as the CLI resolves them, so
 * the shipped azure-trace scenario finds `traces/azure2021-sample.csv` as it does on disk.
 * Traces are parsed by knsim's own trace readers, given the text.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { ScenarioError } from '../../src/scenario/errors.js';
import type { ScenarioFiles } from '../../src/scenario/load-text.js';
import type { TraceFormat, TraceSink } from '../../src/scenario/trace-shape.js';
import { readAzure2021Trace, readSimpleTrace } from '../../src/scenario/trace.js';
import { decodeStrictUtf8 } from '../../src/scenario/utf8.js';

/** A file the user added that is not UTF-8: its bytes, and where and why the CLI would refuse it. */
interface NotText {
  bytes: Uint8Array;
  line: number;
  rule: string;
}

export class PlaygroundFiles implements ScenarioFiles {
  private readonly texts = new Map<string, string | NotText>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [path, text] of Object.entries(initial)) this.add(path, text);
  }

  /**
   * Adds (or replaces) a file at `path`, relative to the scenario: text, or the bytes the user
   * picked. Bytes are decoded as the CLI decodes a file (strict UTF-8, a BOM kept): a lenient
   * decode turned a gzip or UTF-16 trace into replacement characters, refused as "not a number".
   */
  add(path: string, content: string | Uint8Array): void {
    this.texts.set(join('.', path), typeof content === 'string' ? content : decode(content));
  }

  /** The paths a scenario can name, sorted. */
  list(): string[] {
    return [...this.texts.keys()].sort();
  }

  resolve(scenarioFile: string, path: string): string {
    return isAbsolute(path) ? path : join(dirname(scenarioFile), path);
  }

  private text(path: string): string | NotText | { error: string } {
    const t = this.texts.get(join('.', path));
    if (t !== undefined) return t;
    const have = this.list();
    return { error: `not in the playground (it has ${have.length === 0 ? 'no files' : have.join(', ')}; add it with "Add a file the scenario names" under the editor)` };
  }

  read(path: string): Uint8Array | { error: string } {
    const t = this.text(path);
    // Bytes that are not UTF-8 go to the scenario loader as they are, which refuses them as for the CLI.
    return typeof t === 'string' ? new TextEncoder().encode(t) : 'bytes' in t ? t.bytes : t;
  }

  readTrace(path: string, format: TraceFormat, filter: { app: string | undefined; func: string | undefined }, into: TraceSink): ReturnType<ScenarioFiles['readTrace']> {
    const t = this.text(path);
    if (typeof t !== 'string' && 'bytes' in t) throw new ScenarioError(path, `line ${t.line}`, t.rule);
    if (typeof t !== 'string') return t;
    if (format === 'azure2021') readAzure2021Trace(t, path, filter, into);
    else readSimpleTrace(t, path, into);
    return undefined;
  }
}

/** Strict UTF-8, as the CLI reads a file; where it is not, the line and rule of the CLI's error. */
function decode(bytes: Uint8Array): string | NotText {
  const t = decodeStrictUtf8(bytes);
  return typeof t === 'string' ? t : { bytes, ...t };
}
