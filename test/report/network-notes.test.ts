/**
 * settings.json's meshCompatibilityMode and ingressClass, and the settings table's notes on how
 * the activators reach pods (only when mesh-compatibility-mode is not the default, auto) and how
 * the ingress spreads requests (only when config-network names an ingress class).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';

/** settings.json and the settings table's note of a one-service run with `network` as config-network (undefined: none). */
async function networkNote(network: Record<string, string> | undefined): Promise<{ settings: Record<string, unknown>; note: string }> {
  const scenario = {
    name: 'network-note',
    duration: '20s',
    ...(network === undefined ? {} : { configMaps: { 'config-network': network } }),
    services: [{ manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } } }],
    clients: [{ name: 'c', service: 's', open: { process: 'uniform', rps: 1 } }],
  };
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-network-note-')), 'run');
  runWorld(scenarioFromValue(scenario, 'network-note.yaml').world, { outDir: dir, trace: { mode: 'none' } });
  const { htmlPath } = await buildReport(dir, { images: false });
  const html = readFileSync(htmlPath, 'utf8');
  return { settings: JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>, note: /<p class="note">(Activators in the cluster:[^<]*)<\/p>/.exec(html)![1]! };
}

const activatorNote = (mode: string | undefined) => networkNote(mode === undefined ? undefined : { 'mesh-compatibility-mode': mode });

describe('how the activators reach pods, in settings.json and the report', () => {
  it('auto (the default, set or not): no field, the note gives the activator count only', async () => {
    for (const mode of [undefined, 'auto']) {
      const { settings, note } = await activatorNote(mode);
      expect(settings).not.toHaveProperty('meshCompatibilityMode');
      expect(note).toBe('Activators in the cluster: 1.');
    }
  });

  it('enabled: the ClusterIP path, its breaker and the mesh’s pick', async () => {
    const { settings, note } = await activatorNote('enabled');
    expect(settings.meshCompatibilityMode).toBe('enabled');
    expect(note).toContain('Activators in the cluster: 1. They reach pods through each revision’s ClusterIP (config-network mesh-compatibility-mode: enabled)');
    expect(note).toContain('containerConcurrency × Ready pods ÷ activators');
  });

  it('disabled: pods addressed directly, Ready pods taken unprobed', async () => {
    const { settings, note } = await activatorNote('Disabled');
    expect(settings.meshCompatibilityMode).toBe('disabled');
    expect(note).toContain('take a pod Kubernetes marks Ready without probing it (config-network mesh-compatibility-mode: disabled)');
  });
});

describe('the ingress class, in settings.json and the report', () => {
  const run = (cls: string | undefined) => networkNote(cls === undefined ? undefined : { 'ingress-class': cls });

  it('no class: no field, no sentence', async () => {
    const { settings, note } = await run(undefined);
    expect(settings).not.toHaveProperty('ingressClass');
    expect(note).toBe('Activators in the cluster: 1.');
  });

  it("Istio's: least request; Kourier's: round robin", async () => {
    const istio = await run('istio.ingress.networking.knative.dev');
    expect(istio.settings.ingressClass).toBe('istio.ingress.networking.knative.dev');
    expect(istio.note).toContain('The ingress (config-network ingress-class: istio.ingress.networking.knative.dev) spreads a revision’s requests over its ready pods, or its activators, by least request');
    const kourier = await run('kourier.ingress.networking.knative.dev');
    expect(kourier.note).toContain('by round robin.');
  });
});
