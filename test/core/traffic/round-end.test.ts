/** A probe round's end kept as probes come and go: always what roundEndsAt gives for the probes left. */
import { describe, expect, it } from 'vitest';
import { RoundEnd, roundEndsAt, type RoundProbe } from '../../../src/core/traffic/index.js';

const pass = (atSeconds: number): RoundProbe => ({ kind: 'passes', atSeconds });
const waits: RoundProbe = { kind: 'waits' };

describe('RoundEnd: the end of a round from its probes, kept incrementally', () => {
  it('the timeout while a probe waits, the latest pass once none does, the start with no probe left', () => {
    const e = new RoundEnd(1.2);
    expect(e.endsAt).toBe(1.2);
    e.add(pass(1.35));
    e.add(waits);
    e.add(pass(1.45));
    expect(e.endsAt).toBeCloseTo(1.5, 12);
    expect(e.remove(waits)).toBe(true);
    expect(e.endsAt).toBe(1.45);
    // The latest pass leaves: a recount over the probes left brings 1.35.
    expect(e.remove(pass(1.45))).toBe(false);
    e.recount([pass(1.35)]);
    expect(e.endsAt).toBe(1.35);
    expect(e.remove(pass(1.35))).toBe(false);
    e.recount([]);
    expect(e.endsAt).toBe(1.2);
  });

  it('two passes at the latest time: forgetting one needs no recount', () => {
    const e = new RoundEnd(0);
    e.add(pass(0.25));
    e.add(pass(0.25));
    e.add(pass(0.1));
    expect(e.remove(pass(0.25))).toBe(true);
    expect(e.endsAt).toBe(0.25);
  });

  it('matches roundEndsAt over 2,000 adds and removes', () => {
    // A fixed walk: probes come in and leave, a recount when asked.
    const e = new RoundEnd(3);
    const live: RoundProbe[] = [];
    for (let i = 0; i < 2000; i++) {
      const k = (i * 7919) % 13;
      if (k < 8 || live.length === 0) {
        const p = k === 0 ? waits : k === 1 ? ({ kind: 'fails' } as const) : pass(3 + ((i * 104729) % 300) / 1000);
        live.push(p);
        e.add(p);
      } else {
        const [p] = live.splice((i * 31) % live.length, 1);
        if (!e.remove(p!)) e.recount(live);
      }
      expect(e.endsAt).toBe(roundEndsAt(3, live));
    }
  });
});
