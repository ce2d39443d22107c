/**
 * node:module for the browser build. The report page inlines vega's UMD bundles, which it
 * finds with createRequire(...).resolve(pkg); here each package "resolves" to a path in
 * the in-memory file store, where the worker puts the bundles before it builds a report.
 */
export const VENDOR_DIR = '/vendor';

export function createRequire(_from: string): { resolve(pkg: string): string } {
  return { resolve: (pkg: string) => `${VENDOR_DIR}/${pkg}/index.js` };
}

export default { createRequire };
