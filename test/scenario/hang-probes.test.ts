/**
 * What the manifest's probes mean for a `hang` fault: the serving container's liveness probe
 * (timing after the API server's defaulting, and its handler) and whether its readiness probe
 * waits for the app.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const C0 = 'services[0].manifest.spec.template.spec.containers[0]';
const rev = (sets: string[]) => loadScenario(BASE, { sets }).world.services[0]!.revisions[0]!;

describe('the serving container probes a hang fault reads', () => {
  it.each([
    { what: 'no probes', sets: [], liveness: undefined, readinessFails: undefined },
    {
      what: 'an httpGet liveness probe, defaulted',
      sets: [`${C0}.livenessProbe={httpGet: {path: /healthz}}`],
      liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, handler: 'httpGet' },
      readinessFails: undefined,
    },
    {
      what: 'a tcpSocket liveness probe with its own timing',
      sets: [`${C0}.livenessProbe={tcpSocket: {}, periodSeconds: 3, timeoutSeconds: 2, failureThreshold: 5, initialDelaySeconds: 7}`],
      liveness: { initialDelaySeconds: 7, periodSeconds: 3, timeoutSeconds: 2, failureThreshold: 5, handler: 'tcpSocket' },
      readinessFails: undefined,
    },
    { what: 'an httpGet readiness probe', sets: [`${C0}.readinessProbe={httpGet: {path: /ready}}`], liveness: undefined, readinessFails: true },
    { what: 'a gRPC readiness probe', sets: [`${C0}.readinessProbe={grpc: {port: 8080}}`], liveness: undefined, readinessFails: true },
    { what: 'a tcpSocket readiness probe', sets: [`${C0}.readinessProbe={tcpSocket: {}}`], liveness: undefined, readinessFails: undefined },
    { what: 'an exec readiness probe', sets: [`${C0}.readinessProbe={exec: {command: [cat, /tmp/ok]}}`], liveness: undefined, readinessFails: undefined },
  ])('$what', ({ sets, liveness, readinessFails }) => {
    const r = rev(sets);
    expect(r.livenessProbe).toEqual(liveness);
    expect(r.readinessProbeFailsWhenHung).toBe(readinessFails);
  });

  it('reads a hang fault: until the container exits, or for a duration', () => {
    expect(rev(['services[0].app.faults=[{kind: hang, at: 2m, pods: 1}]']).faults).toEqual([{ kind: 'hang', atSeconds: 120, durationSeconds: Number.POSITIVE_INFINITY, pods: 1 }]);
    expect(rev(['services[0].app.faults=[{kind: hang, at: 2m, duration: 15s}]']).faults).toEqual([{ kind: 'hang', atSeconds: 120, durationSeconds: 15, pods: undefined }]);
  });

  it.each([
    { set: 'services[0].app.faults=[{kind: hang}]', path: 'services[0].app.faults[0].at' },
    { set: 'services[0].app.faults=[{kind: hang, at: 1m, factor: 2}]', path: 'services[0].app.faults[0].factor' },
    { set: 'services[0].app.faults=[{kind: hang, at: 1m, duration: 0s}]', path: 'services[0].app.faults[0].duration' },
  ])('refuses $set at $path', ({ set, path }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: [set] }));
    expect([e.file, e.path]).toEqual([BASE, path]);
  });

  it('refuses a hang that clears with the CPU model, which keeps no remaining service time', () => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: ['services[0].app={cpu: {work: 10ms}, faults: [{kind: hang, at: 1m, duration: 10s}]}'] }));
    expect([e.path, e.rule]).toEqual(['services[0].app.faults[0].duration', 'a hang that clears is not simulated with the CPU model: leave duration out (the app then hangs until its container exits), or give the app a serviceTime']);
  });
});
