/** Runs the built CLI (node bin/knsim.js, so dist/ must be built) and captures its result. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const bin = join(root, 'bin/knsim.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `timeoutMs`: kill the CLI after that long, so a check that stops refusing fails its test instead of running for ever. */
export function runKnsim(args: string[], cwd = root, env: Record<string, string> = {}, timeoutMs?: number): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
