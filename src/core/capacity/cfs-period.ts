/**
 * CFS bandwidth control's periods (Linux Documentation/scheduler/sched-bwc.rst): a cgroup with
 * a quota may run that much CPU time per period, refilled at each period's end, unused time lost
 * (cpu.max.burst 0). Pure arithmetic on one grid of periods.
 */

/** The kubelet's CFS period, cpu.cfs_period_us 100000 unless `cpuCFSQuotaPeriod` is changed. */
export const CFS_PERIOD_SECONDS = 0.1;

/**
 * The index k of the period [k × period, (k + 1) × period) that holds `t`. The kernel's period
 * timer is re-armed by whole periods from its last expiry, so a cgroup's periods stay on one grid
 * however long it idles; knsim puts that grid at whole periods of simulated time. Computed
 * against the products k × period themselves, so the boundary a caller builds as (k + 1) × period
 * always starts period k + 1, whatever the division rounds to.
 */
export function cfsPeriodIndex(t: number, period = CFS_PERIOD_SECONDS): number {
  let k = Math.floor(t / period);
  while (k * period > t) k--;
  while ((k + 1) * period <= t) k++;
  return k;
}

/** CPU-seconds a CFS quota of `quotaMillis` (millicores, MilliCPUToQuota's result) grants per period. */
export function cfsQuotaPerPeriod(quotaMillis: number, period = CFS_PERIOD_SECONDS): number {
  return (quotaMillis / 1000) * period;
}
