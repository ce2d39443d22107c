/**
 * The scenario the work-limit tests drive past their caps: 100 users with no think time on a
 * revision that never becomes Ready, so every request is a 404 after the 1 ms ingress hop and
 * the users send about 100,000 a simulated second, where the estimate foresees about 1,000.
 * `head` lines go after `duration` (`trace: none`), `tail` lines at the end (`expect:`).
 */
export function neverReadyScenario(duration: string, head: readonly string[] = [], tail: readonly string[] = []): string {
  return [
    'name: never',
    `duration: ${duration}`,
    ...head,
    'services:',
    '  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }',
    '    app: { serviceTime: 100ms, faults: [{ kind: readinessFailure }] }',
    'clients:',
    '  - { name: c, service: hello, closed: { users: 100, think: 0s } }',
    ...tail,
    '',
  ].join('\n');
}
