/** The cells of one row of a run's settings table, one string per row found, for services with these containers. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';

export async function settingsRows(label: string, containers: Array<Array<Record<string, unknown>>>): Promise<string[]> {
  const services = containers.map((c, i) => ({
    manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: `s${i}` }, spec: { template: { spec: { containers: c } } } },
  }));
  const scenario = { name: 'settings-row', duration: '20s', services, clients: [{ name: 'c', service: 's0', open: { process: 'uniform', rps: 1 } }] };
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-settings-row-')), 'run');
  runWorld(scenarioFromValue(scenario, 'settings-row.yaml').world, { outDir: dir, trace: { mode: 'none' } });
  const { htmlPath } = await buildReport(dir, { images: false });
  const html = readFileSync(htmlPath, 'utf8');
  return [...html.matchAll(/<tr><td>([^<]*)<\/td>((?:<td>[^<]*<\/td>)+)<\/tr>/g)]
    .filter((m) => m[1] === label)
    .map((m) => [...m[2]!.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]).join(' | '));
}
