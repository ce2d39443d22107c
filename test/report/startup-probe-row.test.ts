/**
 * The settings table's startup-probe row: shown when a revision's serving container has a startup
 * probe, with the probe's period and the window in which its failures kill the container.
 */
import { describe, expect, it } from 'vitest';
import { settingsRows as rowsOf } from '../support/settings-rows.js';

const LABEL = 'startup probe of the serving container (s)';
const settingsRows = (containers: Array<Array<Record<string, unknown>>>): Promise<string[]> => rowsOf(LABEL, containers);

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
