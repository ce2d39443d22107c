/**
 * The commands the README shows on shipped files are ones knsim takes. Every `knsim run`, `plan`,
 * `sweep`, `sweep k8s-job`, `tune` and `compare` line of a code block that names a file of the
 * clone (scenarios/, examples/) runs as written, shortened so that the suite stays quick (30 s
 * simulated, 2 replications, one thread, no report, an output folder of its own): a README example
 * that knsim refuses (exit 2) fails here. The shortening changes only flags the README's line
 * leaves free to change; the scenario, its --set and --grid values are the README's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runKnsim } from '../support/cli.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8').split('\n');

interface Shown {
  line: number; // 1-based, where the command starts
  args: string[]; // after `knsim`
}

/** A shell line's words: single- and double-quoted parts kept whole, a `#` word and what follows dropped. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"]+)+/g)) {
    if (m[0].startsWith('#')) break;
    out.push(m[0].replace(/'([^']*)'|"([^"]*)"/g, (_, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  }
  return out;
}

/** The knsim commands in the README's code blocks, with `\` continuations joined. */
function shownCommands(): Shown[] {
  const found: Shown[] = [];
  let inBlock = false;
  for (let i = 0; i < readme.length; i++) {
    if (/^\s*```/.test(readme[i]!)) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    const start = i;
    let text = readme[i]!;
    while (text.trimEnd().endsWith('\\') && i + 1 < readme.length) text = text.trimEnd().slice(0, -1) + ' ' + readme[++i]!;
    const w = words(text.trim().replace(/^\$ /, ''));
    const at = w[0] === 'npx' ? 1 : 0;
    if (w[at] !== 'knsim') continue;
    // A redirection (`> sweep-job.yaml`) is the shell's, not knsim's: the check writes with -o instead.
    const redirect = w.indexOf('>');
    found.push({ line: start + 1, args: w.slice(at + 1, redirect < 0 ? undefined : redirect) });
  }
  return found;
}

const runnable = new Set(['run', 'plan', 'sweep', 'tune', 'compare']);

/** A command to check: one on a file of the clone, with no placeholder (`...`, `<dir>`, `[--flag]`) in it. */
function checkable(c: Shown): boolean {
  if (!runnable.has(c.args[0]!)) return false;
  if (c.args.some((a) => a === '...' || /[<[|]/.test(a[0]!) || a.includes('$'))) return false;
  const files = c.args.filter((a) => /\.(ya?ml|ts|js)$/.test(a) && !a.includes('='));
  return files.length > 0 && files.every((f) => existsSync(join(root, f)));
}

/** Drops the `--flag value` pairs the shortened command sets itself. */
function without(args: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (flags.includes(args[i]!)) i++;
    else out.push(args[i]!);
  }
  return out;
}

function shortened(args: string[], out: string): string[] {
  const sub = args[0] === 'sweep' && (args[1] === 'k8s-job' || args[1] === 'merge') ? `sweep ${args[1]}` : args[0]!;
  const free = ['--duration', '--out', '--replications', '--workers', '-o'];
  switch (sub) {
    case 'run':
      return [...without(args, free), '--duration', '30s', '--out', out, '--no-report'];
    case 'plan':
      return [...without(args, free), '--duration', '30s'];
    case 'sweep k8s-job':
      return [...without(args, ['-o']), '-o', join(out, 'job.yaml')];
    case 'compare':
      return [...without(args, free), '--duration', '30s', '--replications', '2', '--workers', '1', '--out', out];
    default: // sweep, tune
      return [...without(args, free), '--duration', '30s', '--replications', '2', '--workers', '1', '--out', out, '--no-report'];
  }
}

describe('README commands on shipped files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-readme-commands-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const commands = shownCommands().filter(checkable);

  it('finds the examples: quick start, overrides, plan, sweeps, the Job, tune and compare', () => {
    const kinds = new Set(commands.map((c) => (c.args[1] === 'k8s-job' ? 'k8s-job' : c.args[0])));
    expect([...kinds].sort()).toEqual(['compare', 'k8s-job', 'plan', 'run', 'sweep', 'tune']);
    expect(commands.length).toBeGreaterThanOrEqual(12);
  });

  for (const [n, c] of commands.entries()) {
    it(`README line ${c.line}: knsim ${c.args.join(' ')}`, () => {
      const out = join(dir, String(n));
      const r = runKnsim(shortened(c.args, out));
      // tune exits 3 when no point of 30 s meets the SLOs: an answer, not a refusal.
      const ok = c.args[0] === 'tune' ? [0, 3] : [0];
      expect(ok, `exit ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`).toContain(r.code);
    });
  }

  it('`knsim --help` lists every command of the CLI synopsis', () => {
    const r = runKnsim(['--help']);
    expect(r.code).toBe(0);
    const synopsis = readme.slice(readme.indexOf('## CLI'), readme.indexOf('## CLI') + 16).join('\n');
    const named = new Set([...synopsis.matchAll(/^knsim (\w+)|\s{2,}knsim (\w+)/gm)].map((m) => m[1] ?? m[2]!));
    expect(named.size).toBeGreaterThanOrEqual(9);
    for (const cmd of named) expect(r.stdout, cmd).toMatch(new RegExp(`knsim ${cmd}\\b`));
  });
});
