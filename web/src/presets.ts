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
  // The editor keeps "\n" line breaks: the same here, so a preset's text compares equal to the editor's.
  .map(([path, text]) => ({ name: path.replace(/^.*\/|\.yaml$/g, ''), text: text.replace(/\r\n?/g, '\n') }))
  .sort((a, b) => a.name.localeCompare(b.name));

export const DEFAULT_PRESET = 'quickstart';

/** The preset whose text this is, character for character; an edited preset is none. */
export function presetHolding(text: string): Preset | undefined {
  return PRESETS.find((p) => p.text.length === text.length && p.text === text);
}

/**
 * What the page calls a run of this text, whose scenario says `name`: a shipped scenario's
 * name on a text that is not that scenario's is marked edited, so an edited preset's
 * results are not taken for the preset's.
 */
export function runLabel(name: string, text: string): string {
  return PRESETS.some((p) => p.name === name) && presetHolding(text) === undefined ? `edited ${name}` : name;
}
