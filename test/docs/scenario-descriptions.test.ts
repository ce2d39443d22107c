/**
 * The overrides a shipped scenario's description suggests (`--set …`, `--grid …`) load: a reader who
 * copies one gets the run the description promises, not a refusal. All `--set`s of one suggestion
 * (written one after another) apply together; a `--grid` is tried at each of its values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario } from '../../src/scenario/load.js';

const dir = resolve(import.meta.dirname, '../../scenarios');

/** Each suggestion: the `--set` values written in a row, or one `--grid` point. */
function suggestions(description: string): string[][] {
  const out: string[][] = [];
  const flag = /--(set|grid)\s+('[^']*'|"[^"]*"|[^\s`)]+)/g;
  let run: string[] = [];
  let end = -1;
  for (const m of description.matchAll(flag)) {
    const value = m[2]!.replace(/^['"]|['"]$/g, '');
    if (m[1] === 'grid') {
      const eq = value.indexOf('=');
      for (const v of value.slice(eq + 1).split(',')) out.push([`${value.slice(0, eq)}=${v}`]);
      continue;
    }
    // A --set right after the previous one (only spaces between) belongs to the same suggestion.
    const at = m.index ?? 0;
    if (run.length > 0 && description.slice(end, at).trim() !== '') {
      out.push(run);
      run = [];
    }
    run.push(value);
    end = at + m[0].length;
  }
  if (run.length > 0) out.push(run);
  return out;
}

describe('overrides suggested by the shipped scenarios\' descriptions', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const all = files.flatMap((f) => suggestions(String(parse(readFileSync(join(dir, f), 'utf8')).description ?? '')).map((sets) => ({ f, sets })));

  it('finds them (activator-crash, activator-rollout, autoscaler-restart, capacity-planning, crash-recovery, hang, llm-streaming, memory-pressure, mesh, node-drain, scale-down-delay, scale-to-zero-tail, slow-start, websocket-scale-down suggest some)', () => {
    expect(new Set(all.map((s) => s.f))).toEqual(new Set(['activator-crash.yaml', 'activator-rollout.yaml', 'autoscaler-restart.yaml', 'capacity-planning.yaml', 'crash-recovery.yaml', 'hang.yaml', 'llm-streaming.yaml', 'memory-pressure.yaml', 'mesh.yaml', 'node-drain.yaml', 'scale-down-delay.yaml', 'scale-to-zero-tail.yaml', 'slow-start.yaml', 'websocket-scale-down.yaml']));
  });

  for (const { f, sets } of all) {
    it(`${f}: --set ${sets.join(' --set ')}`, () => {
      expect(() => loadScenario(join(dir, f), { sets })).not.toThrow();
    });
  }
});
