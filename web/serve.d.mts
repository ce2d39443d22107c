/** Types of serve.mjs (plain JS so that `npm run playground` needs no TypeScript runner). */
export function servePlayground(opts?: { dir?: string; port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
