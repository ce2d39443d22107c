/** Logging for the controller adapter: one line per event, optionally JSON. */

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Discards everything. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function plain(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    parts.push(`${k}=${/[\s"=]/.test(s) || s === '' ? JSON.stringify(s) : s}`);
  }
  return parts.length > 0 ? ' ' + parts.join(' ') : '';
}

/** Writes `level msg k=v…` (or a JSON object per line) to `write`, stamped with `now()`. */
export function lineLogger(write: (line: string) => void, opts: { json?: boolean; now?: () => number } = {}): Logger {
  const now = opts.now ?? (() => Date.now() / 1000);
  const emit = (level: string, msg: string, fields?: LogFields): void => {
    const ts = new Date(now() * 1000).toISOString();
    if (opts.json) write(JSON.stringify({ ts, level, msg, ...fields }) + '\n');
    else write(`${ts} ${level} ${msg}${plain(fields)}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
