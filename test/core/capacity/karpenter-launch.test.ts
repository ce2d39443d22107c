/**
 * A NodeClaim's launch under cloud failures (kubernetes-sigs/karpenter nodeclaim/lifecycle
 * launch.go, liveness.go and the lifecycle controller's rate limiter; the AWS provider's
 * unavailable-offerings cache).
 */
import { describe, expect, it } from 'vitest';
import { LAUNCH_TIMEOUT_SECONDS, launchOutcome, UNAVAILABLE_OFFERING_TTL_SECONDS, type LaunchFailureWindow } from '../../../src/core/capacity/index.js';

const ice = (from: number, until: number): LaunchFailureWindow => ({ kind: 'insufficientCapacity', from, until });
const err = (from: number, until: number): LaunchFailureWindow => ({ kind: 'launchError', from, until });

describe('launchOutcome', () => {
  it('upstream numbers: LaunchTimeout 5 min, UnavailableOfferingsTTL 3 min', () => {
    expect([LAUNCH_TIMEOUT_SECONDS, UNAVAILABLE_OFFERING_TTL_SECONDS]).toEqual([300, 180]);
  });

  it.each([
    { what: 'no window', windows: [], created: 11, out: { launched: true, at: 11 } },
    { what: 'a window over before the creation', windows: [err(0, 11)], created: 11, out: { launched: true, at: 11 } },
    { what: 'a window that starts after it', windows: [ice(12, 100)], created: 11, out: { launched: true, at: 11 } },
    // InsufficientCapacity: deleted by the first create call, at once.
    { what: 'InsufficientCapacity at the creation', windows: [ice(0, 600)], created: 11, out: { launched: false, at: 11, reason: 'InsufficientCapacity' } },
    // Other errors: calls at +0, then +2 (1 s sleep after the status patch, 1 s back-off), +4, +8, +16, +32, +64, +124 (cap 60 s), …
    { what: 'an error until 12: launched at the retry at +2', windows: [err(0, 12)], created: 11, out: { launched: true, at: 13 } },
    { what: 'an error until 13: +2 is past it', windows: [err(0, 13)], created: 11, out: { launched: true, at: 13 } },
    { what: 'an error until 14: +4', windows: [err(0, 14)], created: 11, out: { launched: true, at: 15 } },
    { what: 'an error until 100: +124 (after +64, the back-off capped at 60 s)', windows: [err(0, 100)], created: 11, out: { launched: true, at: 135 } },
    { what: 'an error until 305: the call at +304 fails too, 300 s or more after the creation: deleted', windows: [err(0, 305)], created: 0, out: { launched: false, at: 304, reason: 'LaunchTimeout' } },
    { what: 'an error until 245: launched at +304, the call before the liveness check', windows: [err(0, 245)], created: 0, out: { launched: true, at: 304 } },
    { what: 'an error to the end: deleted at +304, the first check 300 s or more after creation', windows: [err(0, Infinity)], created: 11, out: { launched: false, at: 315, reason: 'LaunchTimeout' } },
    // A retry that meets InsufficientCapacity is deleted by it.
    { what: 'an error, then InsufficientCapacity from 20', windows: [err(0, 20), ice(20, 100)], created: 11, out: { launched: false, at: 27, reason: 'InsufficientCapacity' } },
    { what: 'both over one moment: InsufficientCapacity', windows: [err(0, 100), ice(0, 100)], created: 11, out: { launched: false, at: 11, reason: 'InsufficientCapacity' } },
  ])('$what', ({ windows, created, out }) => {
    expect(launchOutcome(windows, created)).toEqual(out);
  });
});
