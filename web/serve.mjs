#!/usr/bin/env node
/**
 * Serves the built playground (out/playground) on 127.0.0.1 and prints its URL. Any static
 * host serves the folder just as well; this one is for `npm run playground` and tests.
 * Usage: node web/serve.mjs [--port N] [--dir path]
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** Starts the server; resolves with its URL and a close function. */
export function servePlayground({ dir = fileURLToPath(new URL('../out/playground', import.meta.url)), port = 0, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const a = server.address();
      ok({ url: `http://${host}:${a.port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const port = Number(arg('--port') ?? process.env.PORT ?? 5178);
  servePlayground({ port, ...(arg('--dir') !== undefined ? { dir: arg('--dir') } : {}) }).then(
    ({ url }) => console.log(`knsim playground: ${url}  (Ctrl-C to stop)`),
    (e) => {
      console.error(`knsim playground: cannot listen on port ${port}: ${e.message}`);
      process.exit(1);
    },
  );
}
