/**
 * The shipped scenarios as presets, built into the page. The files they name (azure-trace's
 * traces) are bundled with the worker (shipped-files.ts).
 */
const files = import.meta.glob('../../scenarios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface Preset {
  name: string;
  text: string;
}

export const PRESETS: Preset[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.replace(/^.*\/|\.yaml$/g, ''), text }))
  .sort((a, b) => a.name.localeCompare(b.name));

export const DEFAULT_PRESET = 'quickstart';
