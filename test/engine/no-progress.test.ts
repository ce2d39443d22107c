import { describe, expect, it } from 'vitest';
import { MAX_EVENTS_AT_ONE_INSTANT, NoProgressError } from '../../src/engine/no-progress.js';
import { Simulation } from '../../src/engine/simulation.js';
import { World } from '../../src/model/world.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { guardProgress } from '../../src/scenario/work-estimate.js';
import { MemoryRecorder } from '../model/world-fixture.js';

describe('Simulation: no progress of simulated time', () => {
  it('stops a loop at one instant after maxEventsAtOneInstant events, with the time and the count', () => {
    const sim = new Simulation(1);
    sim.maxEventsAtOneInstant = 1000;
    let runs = 0;
    const again = (): void => {
      runs++;
      sim.after(0, again, undefined);
    };
    sim.after(2.5, again, undefined);
    let caught: unknown;
    try {
      sim.run(10);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NoProgressError);
    expect((caught as NoProgressError).atSeconds).toBe(2.5);
    expect((caught as NoProgressError).events).toBe(1000);
    expect(runs).toBe(1001);
    expect(sim.now).toBe(2.5);
  });

  it('lets a burst up to the cap through, and counts afresh once the clock moves', () => {
    const sim = new Simulation(1);
    sim.maxEventsAtOneInstant = 1000;
    let runs = 0;
    for (const t of [1, 2, 3]) for (let i = 0; i < 1000; i++) sim.at(t, () => runs++, undefined);
    sim.run(5);
    expect(runs).toBe(3000);
    expect(sim.now).toBe(5);
  });

  it('the default cap is 10 million events', () => {
    expect(new Simulation(1).maxEventsAtOneInstant).toBe(MAX_EVENTS_AT_ONE_INSTANT);
    expect(MAX_EVENTS_AT_ONE_INSTANT).toBe(10_000_000);
  });
});

/** A closed loop that never lets time pass: ingress 0, service time 0, think time 0. */
function zeroLoop(think: string): Record<string, unknown> {
  return {
    name: 'zero',
    duration: '10s',
    cluster: { ingressLatency: 0 },
    services: [{ manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } }, initialPods: 1, app: { serviceTime: '0s' } }],
    clients: [
      { name: 'steady', service: 'hello', open: { rps: 1 } },
      { name: 'hey', service: 'hello', closed: { users: 2, think } },
    ],
  };
}

describe('a zero-time loop in a scenario', () => {
  it('is stopped with a one-line ScenarioError naming the closed loop', () => {
    const loaded = scenarioFromValue(zeroLoop('0s'), 'zero.yaml');
    const world = new World(loaded.world, new MemoryRecorder());
    world.sim.maxEventsAtOneInstant = 50_000;
    let caught: unknown;
    try {
      guardProgress(loaded, () => world.run());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    expect((caught as ScenarioError).message).toBe(
      'zero.yaml: clients[1].closed.think: simulated time stopped at 0 s (50000 events without the clock moving): its users loop without time passing (think time + service time + ingress latency ≈ 0 s); give one of them a duration',
    );
  });

  it('blames instant answers, not a service time, when users spin on 404s before the first pod is Ready', () => {
    // A fresh deploy (no initialPods) has no route at 0 s: every request is a 404 at once, whatever its 1 s service time.
    const value = zeroLoop('0s');
    const services = value.services as Array<Record<string, unknown>>;
    delete services[0]!.initialPods;
    services[0]!.app = { serviceTime: '1s' };
    const loaded = scenarioFromValue(value, 'zero.yaml');
    const world = new World(loaded.world, new MemoryRecorder());
    world.sim.maxEventsAtOneInstant = 50_000;
    let caught: unknown;
    try {
      guardProgress(loaded, () => world.run());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    expect((caught as ScenarioError).message).toBe(
      'zero.yaml: clients[1].closed.think: simulated time stopped at 0 s (50000 events without the clock moving): think time and ingress latency are 0 s, and an unserved answer (404 before a revision is Ready, 503) takes no time; give think or cluster.ingressLatency a duration',
    );
  });

  it('with a think time of 1 ms the same scenario runs to its end', () => {
    const loaded = scenarioFromValue(zeroLoop('1ms'), 'zero.yaml');
    const recorder = new MemoryRecorder();
    const world = new World(loaded.world, recorder);
    world.sim.maxEventsAtOneInstant = 50_000;
    guardProgress(loaded, () => world.run());
    expect(world.sim.now).toBe(10);
    // 2 users × 10 s / 1 ms, give or take the first send, plus the open loop's ~10.
    expect(recorder.requests.length).toBeGreaterThan(19_000);
    expect(recorder.requests.length).toBeLessThan(20_100);
  });
});
