/**
 * Facts the README quotes about the CLI and the package, against their sources: the defaults of
 * `knsim controller`'s flag table and of `knsim rollout`'s prose ("`--pause` (60s") against what
 * `--help` prints, the versions its install lines name against package.json, and the sweep
 * metrics it lists (and which get the Wilson interval) against the metric registry. A value
 * changed in one place and not in the README fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readme, section } from './readme-section.js';
import { root, runKnsim } from '../support/cli.js';


/** The text under a heading, up to the next heading. */

/** `--flag` → its `[default: …]` in the help, quotes dropped (booleans as `false`). */
function helpDefaults(command: string): Map<string, string> {
  const r = runKnsim([command, '--help']);
  expect(r.code).toBe(0);
  const out = new Map<string, string>();
  // An option's entry runs from its flag to the next option's, over wrapped lines.
  for (const entry of r.stdout.split(/\n(?=\s+(?:-\w, )?--)/)) {
    const flag = /^\s+(?:-\w, )?(--[\w-]+)/.exec(entry)?.[1];
    const def = /\[default: "?([^"\]]*)"?\]/.exec(entry.replace(/\s+/g, ' '))?.[1];
    if (flag !== undefined && def !== undefined) out.set(flag, def);
  }
  return out;
}

describe('README flag defaults', () => {
  it('knsim controller: every default in the flags table is the one --help prints', () => {
    const help = helpDefaults('controller');
    const rows = section('### `knsim controller` flags')
      .split('\n')
      .filter((l) => l.startsWith('| `-'))
      .map((l) => l.split('|').map((c) => c.trim()));
    let checked = 0;
    for (const [, flags, def] of rows) {
      const names = [...flags!.matchAll(/`(?:-\w, )?(--[\w-]+)/g)].map((m) => m[1]!);
      const values = def === 'off' ? names.map(() => 'false') : [...def!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      names.forEach((name, i) => {
        const want = help.get(name);
        // A default --help gives in words ("$POD_NAME, else hostname-pid") has none in brackets.
        if (want === undefined || values[i] === undefined) return;
        // The table's "in shadow mode" and "($POD_NAMESPACE ...)" defaults are words, not values.
        if (values[i]!.startsWith('$')) return;
        expect(`${name} ${values[i]}`).toBe(`${name} ${want}`);
        checked++;
      });
    }
    // mode, dry-run, knative-namespace, allow-scale-to-zero, stale-after, subtract-proxied,
    // metrics-port, request-timeout, lease-name, the three timings, log-format.
    expect(checked).toBe(13);
  });

  it('knsim rollout: the defaults its prose gives in parentheses are the ones --help prints', () => {
    const help = helpDefaults('rollout');
    const text = section('### `knsim rollout`');
    const stated = new Map([...text.matchAll(/`(--[\w-]+)` \(([^;,)]+)/g)].map((m) => [m[1]!, m[2]!.trim()]));
    // "--steps percentages (default 10,25,50,100)" reads differently.
    const steps = /`--steps` percentages \(default ([\d,]+)\)/.exec(text)?.[1];
    expect(steps).toBe(help.get('--steps'));
    expect(/port (\d+) \(`--metrics-port`\)/.exec(text)?.[1]).toBe(help.get('--metrics-port'));
    const compared = ['--pause', '--latency-quantile', '--min-requests'].map((f) => [f, stated.get(f)]);
    expect(compared).toEqual(['--pause', '--latency-quantile', '--min-requests'].map((f) => [f, help.get(f)]));
  });
});

describe('README install lines', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; peerDependencies: Record<string, string> };

  it('the optional peers it tells to install are package.json\'s, at its ranges', () => {
    const lines = readme.split('\n').filter((l) => l.startsWith('npm install -g ') && l.includes('@'));
    const named = Object.fromEntries(lines.flatMap((l) => [...l.split('#')[0]!.matchAll(/\s((?:@[\w-]+\/)?[\w.-]+)@(\S+)/g)].map((m) => [m[1]!, m[2]!])));
    expect(named).toEqual(pkg.peerDependencies);
  });

  it('the tarball npm pack builds and the Node.js version', () => {
    expect(readme).toContain(`npm install -g ./knsim-${pkg.version}.tgz`);
    expect(`>=${/Node\.js ≥ (\d+(?:\.\d+)*)/.exec(readme)?.[1]}`).toBe(pkg.engines.node);
  });
});

describe('README sweep metrics', () => {
  const text = section('### Sweep a grid');

  it('lists every metric of the registry, in column order', async () => {
    const { METRIC_KEYS } = await import('../../src/output/metrics.js');
    const from = text.indexOf('Metrics (per run');
    const list = text.slice(from, text.indexOf('\n\n', from));
    // Each metric's first mention, backquoted, in the order the paragraph names them.
    const named = [...new Set([...list.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!))];
    expect(named).toEqual(METRIC_KEYS);
  });

  it('the rates it says get the Wilson interval are the registry\'s proportions', async () => {
    const { METRICS, METRIC_KEYS } = await import('../../src/output/metrics.js');
    const rates = /\*\*Rates\*\* \(([^)]+)\)/.exec(text)?.[1];
    expect([...rates!.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!)).toEqual(METRIC_KEYS.filter((k) => METRICS[k].kind === 'proportion'));
  });
});
