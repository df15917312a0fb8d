// A static host like GitHub Pages, for the sub-path build (trunk build --public-url
// /omnidesk/): files are served as they are under /omnidesk/, a directory gets its
// index.html, and anything missing gets 404.html with status 404 — no single-page-app
// fallback. No dependencies; loopback only.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '../dist-subpath');
const port = Number(process.argv[3] ?? 4174);
const prefix = '/omnidesk/';
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

async function file(path) {
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
    if (s.isDirectory()) return file(join(path, 'index.html'));
  } catch {}
  return null;
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost').pathname;
  let found = null;
  if (url.startsWith(prefix)) {
    const path = normalize(join(root, decodeURIComponent(url.slice(prefix.length))));
    if (path.startsWith(root)) found = await file(path);
  }
  const status = found ? 200 : 404;
  const path = found ?? join(root, '404.html');
  try {
    const body = await readFile(path);
    res.writeHead(status, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}).listen(port, '127.0.0.1', () => console.log(`serving ${root} at http://127.0.0.1:${port}${prefix}`));
