/**
 * Packages that only some features use: optional peerDependencies of knsim (and devDependencies,
 * so a clone has them). A project that installs knsim for knsim/autoscaler does not download
 * them. What needs one checks first, so a missing one is one line with the install command, not
 * a stack trace mid-run. The CLI's table of such features is src/cli/optional-deps.ts; the one
 * the scenario loader needs itself (compiling autoscaler modules) is here.
 */
import { createRequire } from 'node:module';

export interface OptionalFeature {
  what: string;
  packages: readonly string[];
  /** Appended to the error: what else the user can do. */
  otherwise: string;
}

/** User-written autoscaler modules are compiled (TypeScript or JavaScript, bundled with their imports) by esbuild. */
export const AUTOSCALER_MODULES = {
  what: 'autoscaler modules',
  packages: ['esbuild'],
  otherwise: '',
} as const satisfies OptionalFeature;

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

/** The one-line message for the packages of `f` that are missing, or undefined when all are installed. */
export function missingOptional(f: OptionalFeature, isInstalled: (name: string) => boolean = installed): string | undefined {
  const missing = f.packages.filter((p) => !isInstalled(p));
  return missing.length === 0 ? undefined : `${f.what} need ${missing.join(', ')}: run ${installCommand(missing)}${f.otherwise}`;
}
