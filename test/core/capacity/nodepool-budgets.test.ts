import { describe, expect, it } from 'vitest';
import { allowedDisruptionsByReason, budgetActive, type NodePoolBudget } from '../../../src/core/capacity/index.js';
import { parseBudgetSchedule } from '../../../src/scenario/nodepool-budgets.js';

/** 2024-01-01T00:00:00Z, a Monday. */
const MONDAY = Date.UTC(2024, 0, 1) / 1000;
const H = 3600;

describe('allowedDisruptionsByReason (GetAllowedDisruptionsByReason less those disrupting)', () => {
  const tenPercent: NodePoolBudget = { nodes: { percent: 10 } };
  const noDrift: NodePoolBudget = { nodes: { count: 0 }, reasons: ['Drifted'] };
  it.each([
    ['the default 10 % of 3 nodes, rounded up', [tenPercent], 'Empty', 3, 0, 1],
    ['10 % of 25 nodes: 3', [tenPercent], 'Underutilized', 25, 0, 3],
    ['10 % of 25 nodes, 2 already disrupting', [tenPercent], 'Underutilized', 25, 2, 1],
    ['more disrupting than allowed: 0, not below', [tenPercent], 'Underutilized', 25, 5, 0],
    ['a count is not scaled', [{ nodes: { count: 2 } }], 'Drifted', 100, 0, 2],
    ['a reason-only budget holds its reason…', [tenPercent, noDrift], 'Drifted', 20, 0, 0],
    ['…and not the others', [tenPercent, noDrift], 'Empty', 20, 0, 2],
    ['no budget applies: unlimited', [noDrift], 'Underutilized', 20, 0, Number.POSITIVE_INFINITY],
    ['no budgets at all: unlimited', [], 'Empty', 20, 0, Number.POSITIVE_INFINITY],
    ['the most restrictive of several', [{ nodes: { percent: 50 } }, { nodes: { count: 3 } }, { nodes: { percent: 20 } }], 'Empty', 10, 0, 2],
  ] as const)('%s', (_, budgets, reason, total, disrupting, want) => {
    expect(allowedDisruptionsByReason(budgets as readonly NodePoolBudget[], reason, total, MONDAY, disrupting)).toBe(want);
  });
});

describe('budgetActive (Budget.IsActive: the first hit after now − duration is not after now)', () => {
  const businessHours: NodePoolBudget = { nodes: { count: 0 }, schedule: parseBudgetSchedule('0 9 * * 1-5'), durationSeconds: 8 * H };
  it.each([
    ['Monday 08:59', 8 * H + 59 * 60, false],
    ['Monday 09:00, the hit itself', 9 * H, true],
    ['Monday 16:59:59', 17 * H - 1, true],
    ['Monday 17:00, the duration over', 17 * H, false],
    ['Friday 12:00', 4 * 24 * H + 12 * H, true],
    ['Saturday 12:00', 5 * 24 * H + 12 * H, false],
  ] as const)('9:00 on weekdays for 8 h: %s → %s', (_, offset, want) => {
    expect(budgetActive(businessHours, MONDAY + offset)).toBe(want);
  });

  it('takes the descriptors (@daily, @midnight, @hourly…), is always active without a schedule', () => {
    const daily = (s: string): NodePoolBudget => ({ nodes: { count: 0 }, schedule: parseBudgetSchedule(s), durationSeconds: H });
    expect(budgetActive(daily('@daily'), MONDAY + 30 * 60)).toBe(true);
    expect(budgetActive(daily('@midnight'), MONDAY + 61 * 60)).toBe(false);
    expect(budgetActive({ nodes: { count: 0 }, schedule: parseBudgetSchedule('@hourly'), durationSeconds: 10 * 60 }, MONDAY + 5 * H + 9 * 60)).toBe(true);
    expect(budgetActive({ nodes: { count: 0 }, schedule: parseBudgetSchedule('@hourly'), durationSeconds: 10 * 60 }, MONDAY + 5 * H + 10 * 60)).toBe(false);
    expect(budgetActive({ nodes: { count: 0 } }, MONDAY)).toBe(true);
  });

  it('matches either day of month or day of week when both are restricted (Vixie cron)', () => {
    // The 1st of the month, or any Friday: Friday 2024-01-05 and Thursday 2024-02-01 both hit.
    const s = parseBudgetSchedule('0 0 1 * 5');
    expect(s.nextAfter(MONDAY) - MONDAY).toBe(4 * 24 * H);
    expect(new Date(s.nextAfter(Date.UTC(2024, 0, 27) / 1000) * 1000).toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  it('refuses what is not a 5-field cron line', () => {
    expect(() => parseBudgetSchedule('0 9 * *')).toThrow(/not a cron schedule/);
    expect(() => parseBudgetSchedule('0 0 9 * * 1')).toThrow(/not a cron schedule/);
    expect(() => parseBudgetSchedule('61 * * * *')).toThrow(/not a cron schedule/);
  });
});
