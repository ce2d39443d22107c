/** The flags of `knsim controller`, apart from their checks (controller.ts), so main.ts can list them without loading the command. */
import type { Argv } from 'yargs';
import { clusterOptions } from './cluster-flags.js';

export function controllerOptions<T>(y: Argv<T>) {
  return clusterOptions(
    y
      .option('mode', { type: 'string', default: 'shadow', describe: 'shadow: decide and report, write nothing | apply: scale revisions of the knsim class' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'apply mode: log the patches instead of sending them' })
      .option('namespace', { alias: 'n', type: 'string', array: true, describe: 'Namespace(s) to watch (default: the kubeconfig context\'s, else "default")' })
      .option('selector', { alias: 'l', type: 'string', describe: 'Only revisions matching this label selector' })
      .option('knative-namespace', { type: 'string', default: 'knative-serving', describe: 'Where config-autoscaler and config-deployment live' })
      .option('config', { type: 'string', array: true, describe: 'Override a config-autoscaler key: key=value, e.g. stable-window=30s' })
      .option('csv', { type: 'string', describe: 'Decision CSV path (shadow mode default: knsim-decisions.csv)' })
      .option('autoscaler-class', {
        type: 'string',
        array: true,
        describe: 'Also manage revisions annotated with a user-written class: name=./module.ts (repeat); the module decides, as in the simulator',
      })
      .option('allow-scale-to-zero', { type: 'boolean', default: false, describe: 'apply mode: let revisions go to zero (knsim sees no activator stats, so it cannot scale them back up)' })
      .option('stale-after', { type: 'string', default: '5s', describe: 'Hold the scale when ready pods have had no good scrape for this long' })
      .option('subtract-proxied', { type: 'boolean', default: false, describe: 'Subtract activator-proxied requests, as Knative does when activator stats also arrive' })
      .option('metrics-port', { type: 'string', default: 9090, describe: 'Queue-proxy autoscaler metrics port' })
      .option('lease-name', { type: 'string', default: 'knsim-controller', describe: 'Leader-election Lease name' })
      .option('lease-namespace', { type: 'string', describe: 'Lease namespace (default $POD_NAMESPACE, else the first --namespace)' })
      .option('lease-duration', { type: 'string', default: '15s', describe: 'How long a silent leader keeps the Lease from others' })
      .option('renew-deadline', { type: 'string', default: '10s', describe: 'The leader stops writing this long after its last renewal' })
      .option('retry-period', { type: 'string', default: '2s', describe: 'How often to acquire or renew the Lease' })
      .option('identity', { type: 'string', describe: 'Leader-election identity (default $POD_NAME, else hostname-pid)' })
      .option('duration', { type: 'string', describe: 'Stop after this long (default: until SIGINT/SIGTERM)' }),
  );
}
