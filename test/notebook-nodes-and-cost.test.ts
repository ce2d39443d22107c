/**
 * The numbers notebook 07 (nodes and cost) teaches, through the notebook helpers: simulate()
 * keeps node records and the summary's nodes and cost when the scenario has node pools.
 */
import { describe, expect, it } from 'vitest';
import { scenario, simulate } from '../src/notebook/index.js';

const MIN_SCALE = "services[0].manifest.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']";
const OFFICE_HOURS = 'clients[0].open.rate.amplitude=26';

describe('notebook 07: a day on a node pool, three min-scale policies', () => {
  it('scale to zero is cheapest and pays with cold starts that include a node start-up; capacity for the peak is dearest with none', () => {
    const zero = simulate(scenario('capacity-planning', { sets: [OFFICE_HOURS, `${MIN_SCALE}=0`, 'cluster.nodePools[0].minNodes=0'] }));
    const peak = simulate(scenario('capacity-planning', { sets: [OFFICE_HOURS, `${MIN_SCALE}=8`, 'services[0].initialPods=8', 'cluster.nodePools[0].initialNodes=3'] }));
    expect(zero.summary.cost!.perDay).toBeCloseTo(9.443064, 5);
    expect(peak.summary.cost!.perDay).toBeCloseTo(16.440547, 5);
    expect([zero.summary.overall.coldStartRequests, peak.summary.overall.coldStartRequests]).toEqual([30, 0]);
    expect(zero.summary.overall.latencyMs.max).toBeGreaterThan(180_000);
    expect(zero.summary.nodes).toEqual({ max: 4, nodeHours: 47.215318, podsWaitedForNode: 48, maxPendingSeconds: 220.636 });
    // The node records are nodes.csv's: requested and deleted nodes add up to the node-hours.
    let seconds = 0;
    const start = new Map<string, number>();
    for (const n of zero.nodes) {
      if (n.event === 'Requested') start.set(n.node, n.time);
      if (n.event === 'Deleted') seconds += n.time - start.get(n.node)!;
      if (n.event === 'Deleted') start.delete(n.node);
    }
    for (const t of start.values()) seconds += 86_400 - t;
    expect(seconds / 3600).toBeCloseTo(zero.summary.nodes!.nodeHours, 5);
  }, 60_000);
});
