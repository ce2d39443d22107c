/** The shipped scenarios' trace files, bundled with the site (scenarios/traces, about 13 kB), by path relative to scenarios/. */
const files = import.meta.glob('../../scenarios/traces/*.csv', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const SHIPPED_FILES: Record<string, string> = Object.fromEntries(Object.entries(files).map(([p, text]) => [p.replace(/^.*\/scenarios\//, ''), text]));
