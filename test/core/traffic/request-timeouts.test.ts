import { describe, expect, it } from 'vitest';
import { streamedTimeoutAge, type RequestTimeouts, type ResponseWrites } from '../../../src/core/traffic/index.js';

const INF = Number.POSITIVE_INFINITY;
const T = (timeoutSeconds: number, responseStartTimeoutSeconds?: number, idleTimeoutSeconds?: number): RequestTimeouts => ({ timeoutSeconds, responseStartTimeoutSeconds, idleTimeoutSeconds });
const W = (firstByteSeconds: number, intervalSeconds = INF): ResponseWrites => ({ firstByteSeconds, intervalSeconds });

describe('streamedTimeoutAge: the timeout handler against a streamed response', () => {
  it.each([
    // [name, timeouts, writes, start (waited), service, expected age]
    ['done within every timer', T(300, 10, 5), W(0.5, 1), 0, 60, INF],
    ['the revision timeout cuts a long stream, bytes written or not', T(300, 10, 5), W(0.5, 1), 0, 400, 300],
    ['a response ending exactly at the timeout is done first', T(300), W(0.5, 1), 0, 300, INF],
    ['response start: a first byte after it is a 504 at it', T(300, 10), W(12, 1), 0, 60, 10],
    ['response start counts the wait: 8 s queued + 3 s to the first byte', T(300, 10), W(3, 1), 8, 60, 10],
    ['response start: a first byte exactly at it wins', T(300, 10), W(10, 1), 0, 60, INF],
    ['work shorter than firstByte writes it all at its end', T(300, 10), W(30), 0, 4, INF],
    ['…and past response start that end is too late', T(300, 10), W(30), 0, 12, 10],
    ['idle before the first byte: timed from the zero time', T(300, undefined, 5), W(6, 1), 0, 60, 5],
    ['idle: chunks less than it apart never trip it', T(300, undefined, 5), W(1, 4.9), 0, 60, INF],
    ['idle: chunks further apart than it: cut one idle after the first byte', T(300, undefined, 5), W(1, 6), 2, 60, 8],
    ['idle: no chunks, the rest at the end: the gap is the rest of the work', T(300, undefined, 5), W(1), 0, 7, 6],
    ['idle: …a short rest passes', T(300, undefined, 5), W(1), 0, 5.5, INF],
    ['off timers (0 or less) never fire', T(300, 0, -1), W(100, 1000), 0, 250, INF],
    ['the earliest timer wins', T(20, 10, 5), W(12, 1), 0, 60, 5],
  ] as const)('%s', (_, timeouts, writes, start, service, age) => {
    expect(streamedTimeoutAge(timeouts, writes, start, service)).toBe(age);
  });
});
