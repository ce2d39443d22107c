/**
 * `knsim run`'s progress bar: simulated time done, of the total, and an ETA, on
 * stderr (stdout keeps the summary). Shown only on a terminal outside CI, and only
 * once the run looks like it will take more than a couple of seconds, so quick
 * runs print nothing extra.
 */
import { createRequire } from 'node:module';

// cli-progress loads only when a bar is drawn: most runs are quick and never show one.
const loadCliProgress = (): typeof import('cli-progress') => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

/** Show the bar when the run's projected wall time exceeds this. */
export const SHOW_AFTER_MS = 2000;
/** Do not project from less than this much wall time (the first slices include start-up). */
const MIN_SAMPLE_MS = 250;

/** What the bar draws on: cli-progress's SingleBar, or a test's fake. */
export interface Bar {
  start(total: number, value: number): void;
  update(value: number): void;
  stop(): void;
}

export interface RunProgressOptions {
  /** Simulated seconds of the whole run. */
  durationSeconds: number;
  /** Where the bar goes (process.stderr). */
  stream: { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Wall clock, ms. */
  now: () => number;
  /** Makes the bar (cli-progress by default). */
  makeBar?: () => Bar;
}

export interface RunProgress {
  /** The simulated seconds done so far (runWorldInterruptible's onProgress). */
  update(simulatedSeconds: number): void;
  stop(): void;
}

/** Whether a bar may be drawn at all: a TTY, and not CI. */
export function progressAllowed(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI'];
  return stream.isTTY === true && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

const cliBar = (): Bar => {
  const cliProgress = loadCliProgress();
  return new cliProgress.SingleBar(
    {
      format: 'knsim run {bar} {percentage}% | {value}/{total} s simulated | ETA {eta_formatted}',
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
};

export function runProgress(opts: RunProgressOptions): RunProgress {
  if (!progressAllowed(opts.stream, opts.env) || !(opts.durationSeconds > 0)) return { update() {}, stop() {} };
  const started = opts.now();
  const total = opts.durationSeconds;
  let bar: Bar | undefined;
  const shown = (s: number): number => Math.min(total, Math.round(s));
  return {
    update(simulatedSeconds) {
      if (bar !== undefined) {
        bar.update(shown(simulatedSeconds));
        return;
      }
      const elapsed = opts.now() - started;
      const done = simulatedSeconds / total;
      if (elapsed < MIN_SAMPLE_MS || done <= 0 || done >= 1) return;
      if (elapsed / done <= SHOW_AFTER_MS) return;
      bar = (opts.makeBar ?? cliBar)();
      bar.start(Math.round(total), shown(simulatedSeconds));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
