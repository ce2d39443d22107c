/** A progress bar with ETA on a terminal; nothing at all when stdout is not a TTY or in CI. */
import cliProgress from 'cli-progress';
import { onStop } from '../output/stop-signals.js';

export interface Progress {
  /** One more run done. */
  tick(): void;
  /** More runs to do (the tuner learns its total as it goes). */
  addTotal(n: number): void;
  stop(): void;
}

const QUIET: Progress = { tick() {}, addTotal() {}, stop() {} };

export function progressEnabled(): boolean {
  return process.stdout.isTTY === true && !process.env['CI'];
}

/** `done` of the `total` runs are done already (a resumed sweep's). */
export function createProgress(label: string, total: number, done = 0): Progress {
  if (!progressEnabled()) return QUIET;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {percentage}% | {value}/{total} runs | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, done);
  // A signal that ends the command clears the bar first, so what the command says then starts a line of its own.
  const unhook = onStop(() => bar.stop());
  let t = total;
  return {
    tick: () => bar.increment(),
    addTotal: (n) => {
      t += n;
      bar.setTotal(t);
    },
    stop: () => {
      unhook();
      bar.stop();
    },
  };
}
