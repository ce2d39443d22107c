/**
 * The settings table's liveness-probe row: shown when a revision's serving container has a liveness
 * probe, with its handler, timing, and the window after a hang in which its failures kill the container.
 */
import { describe, expect, it } from 'vitest';
import { settingsRows as rowsOf } from '../support/settings-rows.js';

const LABEL = 'liveness probe of the serving container (s)';
const settingsRows = (containers: Array<Array<Record<string, unknown>>>): Promise<string[]> => rowsOf(LABEL, containers);

describe('the liveness-probe row of the settings table', () => {
  it('is left out when no revision has a liveness probe', async () => {
    expect(await settingsRows([[{ image: 'app', startupProbe: { tcpSocket: { port: 8080 } } }]])).toEqual([]);
  });

  it('gives the handler, the timing and when a hung app is killed; never for a probe a hang passes; none for a revision without one', async () => {
    const rows = await settingsRows([
      [{ image: 'app', livenessProbe: { httpGet: { path: '/healthz' } } }],
      [{ image: 'app', livenessProbe: { grpc: { port: 8080 }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 3, initialDelaySeconds: 4 } }],
      [{ image: 'app', livenessProbe: { tcpSocket: {} } }],
      [{ image: 'app' }],
    ]);
    // Defaults: a tick 0–10 s after the hang, the 3rd 20 s later, known 1 s after: 21–31 s. A 5 s timeout on a 2 s
    // period: each probe starts as the last one times out, so 0–2 s, then 5 and 5 more, known at +5: 15–17 s.
    expect(rows).toEqual([
      'httpGet every 10, timeout 1; failing probe 3 in a row, 21–31 after a hang, kills the container | grpc every 2, from 4 after the start, timeout 5; failing probe 3 in a row, 15–17 after a hang, kills the container | tcpSocket every 10, timeout 1; passes while the app hangs, so never kills a hung one | none',
    ]);
  });
});
