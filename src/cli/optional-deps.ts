/**
 * Packages that only some commands use. They are optional peerDependencies of knsim (and
 * devDependencies, so a clone has them): a project that installs knsim for knsim/autoscaler
 * and knsim/traffic does not download them. The commands that need them check first, so a
 * missing one is a one-line error with the install command, not a stack trace mid-run.
 */
import { createRequire } from 'node:module';
import { UsageError } from './errors.js';

interface Feature {
  what: string;
  packages: readonly string[];
  /** Appended to the error: what else the user can do. */
  otherwise: string;
}

export const OPTIONAL_FEATURES = {
  charts: {
    what: 'charts and report.html',
    packages: ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js', 'dejavu-fonts-ttf'],
    otherwise: ', or pass --no-report',
  },
  kubernetes: {
    what: 'knsim controller and knsim rollout',
    packages: ['@kubernetes/client-node'],
    otherwise: '',
  },
} satisfies Record<string, Feature>;

export type OptionalFeature = keyof typeof OPTIONAL_FEATURES;

const req = createRequire(import.meta.url);

/** True when node can find the package from knsim's own files. */
export function installed(name: string): boolean {
  try {
    req.resolve(`${name}/package.json`);
    return true;
  } catch (e) {
    // Found, but its exports do not list package.json.
    return (e as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

/** The npm install command for the missing packages, at the versions knsim declares. */
export function installCommand(names: readonly string[]): string {
  const peers = (req('../../package.json') as { peerDependencies: Record<string, string> }).peerDependencies;
  return `npm install ${names.map((n) => `${n}@${peers[n]}`).join(' ')}`;
}

/** Throws a UsageError (exit 2) naming the npm install command when a package of `feature` is missing. */
export function requireOptional(feature: OptionalFeature, isInstalled: (name: string) => boolean = installed): void {
  const f: Feature = OPTIONAL_FEATURES[feature];
  const missing = f.packages.filter((p) => !isInstalled(p));
  if (missing.length > 0) throw new UsageError(`${f.what} need ${missing.join(', ')}: run ${installCommand(missing)}${f.otherwise}`);
}
