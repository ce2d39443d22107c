/**
 * Two values of one axis that set the same thing (`30s` and `0.5m`, `10` and `10.0`): each
 * point with one would repeat a point with the other, a sweep would show the same numbers
 * twice and a tuner would flag two copies of one setting as a tie. The text check in
 * axes.ts only catches the same spelling.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseDuration } from '../scenario/values.js';
import type { LoadedScenario } from '../scenario/load-text.js';
import { UsageError } from '../scenario/usage-error.js';
import { capText } from '../scenario/errors.js';
import { setExpression, type Axis } from './axes.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A value's meaning when it has an obvious one (a Go duration's seconds, a plain number),
 * else its text. Equal keys only make two values suspects; the loaded scenarios decide.
 */
export function valueKey(v: string): string {
  const d = parseDuration(v);
  if (d.ok) return `duration:${d.seconds}`;
  if (NUMBER.test(v)) return `number:${Number(v)}`;
  return `text:${v}`;
}

/**
 * Refuses an axis with two values that give the same simulated scenario (`load` loads it with
 * one override on top of the shared ones). Only values of one {@link valueKey} are loaded, so a
 * setting knsim takes without simulating (whose values all load alike) is not refused.
 * @throws UsageError naming the flag, the axis and both values
 */
export function refuseSameValues(axes: readonly Axis[], flag: string, load: (set: string) => LoadedScenario): void {
  for (const axis of axes) {
    const byKey = new Map<string, string[]>();
    for (const v of axis.values) byKey.set(valueKey(v), [...(byKey.get(valueKey(v)) ?? []), v]);
    for (const group of byKey.values()) {
      if (group.length < 2) continue;
      const worlds = group.map((v) => load(setExpression(axis, v)).world);
      for (let i = 1; i < group.length; i++) {
        const j = worlds.findIndex((w, k) => k < i && isDeepStrictEqual(w, worlds[i]));
        if (j < 0) continue;
        throw new UsageError(
          `${flag} ${capText(`${axis.path}=${axis.values.join(',')}`, 200)}: the values ${JSON.stringify(group[j])} and ${JSON.stringify(group[i]!)} set the same (each point with one would repeat a point with the other); keep one`,
        );
      }
    }
  }
}
