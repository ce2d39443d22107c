/**
 * The CLI's optional features: packages that only some commands use, optional peerDependencies
 * of knsim (src/scenario/optional-peers.ts). The commands that need them check first, so a
 * missing one is a one-line error with the install command, not a stack trace mid-run.
 */
import { AUTOSCALER_MODULES, installed, missingOptional, type OptionalFeature as Feature } from '../scenario/optional-peers.js';
import { UsageError } from './errors.js';

export { installCommand, installed } from '../scenario/optional-peers.js';

export const OPTIONAL_FEATURES = {
  charts: {
    what: 'charts and report.html',
    packages: ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js', 'dejavu-fonts-ttf', 'opentype.js'],
    otherwise: ', or pass --no-report',
  },
  kubernetes: {
    what: 'knsim controller and knsim rollout',
    packages: ['@kubernetes/client-node'],
    otherwise: '',
  },
  // Checked where a module is compiled (src/scenario/user-classes.ts), which names the file and field.
  autoscalerModules: AUTOSCALER_MODULES,
} satisfies Record<string, Feature>;

export type OptionalFeature = keyof typeof OPTIONAL_FEATURES;

/** Throws a UsageError (exit 2) naming the npm install command when a package of `feature` is missing. */
export function requireOptional(feature: OptionalFeature, isInstalled: (name: string) => boolean = installed): void {
  const message = missingOptional(OPTIONAL_FEATURES[feature], isInstalled);
  if (message !== undefined) throw new UsageError(message);
}
