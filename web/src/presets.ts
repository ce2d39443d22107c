/**
 * The shipped scenarios as presets, built into the page. A scenario that names files
 * (a trace, a manifest file) needs the CLI: the playground has no files to read.
 */
const files = import.meta.glob('../../scenarios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface Preset {
  name: string;
  text: string;
}

const NAMES_FILES = /^\s*(?:file|manifestFile|configMapFiles)\s*:/m;

export const PRESETS: Preset[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.replace(/^.*\/|\.yaml$/g, ''), text }))
  .filter((p) => !NAMES_FILES.test(p.text))
  .sort((a, b) => a.name.localeCompare(b.name));

export const DEFAULT_PRESET = 'quickstart';
