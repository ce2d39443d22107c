/**
 * A decision row's action when its reconcile wrote the scale more than once (its follow-up
 * reconciles, after its own PA status writes, at the same instant): every write, in order.
 */
import { describe, expect, it } from 'vitest';
import { isScaleAction, reconcileAction } from '../../src/adapter/scale-actions.js';

describe('reconcileAction', () => {
  it.each([
    [['scale 1->2', 'scale 2->3', 'none'], 'scale 1->2->3'],
    [['none', 'dry-run 4->2'], 'dry-run 4->2'],
    // A dry run's follow-up would send the same write again (the Deployment unchanged): said once.
    [['dry-run 2->5', 'dry-run 2->5', 'none'], 'dry-run 2->5'],
    [['scale 3->2', 'scale 2->3'], 'scale 3->2->3'],
    // Someone else moved the replicas between the writes: each write as it was.
    [['scale 1->2', 'scale 4->5'], 'scale 1->2, 4->5'],
    // A later round's failure does not hide the write made.
    [['scale 1->2', 'sks-conflict'], 'scale 1->2'],
    [['none', 'status-not-written', 'none'], 'status-not-written'],
    [['none', 'none'], 'none'],
  ] as const)('%j → %s', (rounds, action) => {
    expect(reconcileAction(rounds)).toBe(action);
  });
});

describe('isScaleAction', () => {
  it.each([
    ['scale 1->2->3', true],
    ['dry-run 4->2->1', true],
    ['scale 1->2, 4->5', true],
    ['config-deployment: scale 1->2->3', true],
    ['scale 1->', false],
    ['scale 1->2,4->5', false],
    ['sks-conflict', false],
  ] as const)('%s: %s', (action, counts) => {
    expect(isScaleAction(action)).toBe(counts);
  });
});
