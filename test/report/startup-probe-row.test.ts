/**
 * The settings table's startup-probe row: shown when a revision's serving container has a startup
 * probe, with the probe's period and the window in which its failures kill the container.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';

const LABEL = 'startup probe of the serving container (s)';

async function settingsRows(containers: Array<Array<Record<string, unknown>>>): Promise<string[]> {
  const services = containers.map((c, i) => ({
    manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: `s${i}` }, spec: { template: { spec: { containers: c } } } },
  }));
  const scenario = { name: 'startup-row', duration: '20s', services, clients: [{ name: 'c', service: 's0', open: { process: 'uniform', rps: 1 } }] };
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-startup-row-')), 'run');
  runWorld(scenarioFromValue(scenario, 'startup-row.yaml').world, { outDir: dir, trace: { mode: 'none' } });
  const { htmlPath } = await buildReport(dir, { images: false });
  const html = readFileSync(htmlPath, 'utf8');
  return [...html.matchAll(/<tr><td>([^<]*)<\/td>((?:<td>[^<]*<\/td>)+)<\/tr>/g)]
    .filter((m) => m[1] === LABEL)
    .map((m) => [...m[2]!.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]).join(' | '));
}

describe('the startup-probe row of the settings table', () => {
  it('is left out when no revision has a startup probe', async () => {
    expect(await settingsRows([[{ image: 'app' }]])).toEqual([]);
  });

  it('gives the period, the initial delay and when the failures kill the container; none for a revision without one', async () => {
    const rows = await settingsRows([
      [{ image: 'app', startupProbe: { tcpSocket: { port: 8080 } } }],
      [{ image: 'app', startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 2, failureThreshold: 30, initialDelaySeconds: 5 } }],
      [{ image: 'app' }],
    ]);
    // Defaults: every 10 s, the 3rd failing tick, 20–30 s after the container starts. With a 5 s delay, every 2 s,
    // 30 failures: the first probing tick falls 5–7 s after the start, the 30th 63–65 s.
    expect(rows).toEqual([
      'every 10; failing tick 3 in a row, 20–30 after the start, kills the container | every 2, from 5 after the start; failing tick 30 in a row, 63–65 after the start, kills the container | none',
    ]);
  });
});
