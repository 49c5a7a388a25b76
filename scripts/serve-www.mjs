#!/usr/bin/env node
// The built PWA (dist/) as a reverse proxy in front of Immich serves it: static files, and with
// --api-upstream everything under /api (HTTP of any method, and WebSocket upgrades) plus
// /.well-known/immich forwarded to the Immich server at that origin (scripts/api-proxy.mjs), so
// the page and the server share one origin, as behind nginx or Caddy in production.
//
//   node scripts/serve-www.mjs [--port 8080] [--dir dist] [--host 127.0.0.1]
//                              [--api-upstream URL] [--server-url URL] [--api-key KEY]
//                              [--email E --password P] [--auto-connect] [--sw-revision-file PATH]
//
// Prints `www listening on http://HOST:PORT` as its first stdout line (--port 0 picks a free
// port). Serves `/config.json` = {defaultServerUrl, defaultApiKey, defaultEmail, defaultPassword}
// from the flags (an email and password make the page's auto-connect a password login); a page given
// no --server-url takes its own origin as the server's (right when proxying, and behind a
// production proxy where there is no config.json at all); --server-url names another origin
// (the cross-origin set-up: the server must then send CORS headers). With --auto-connect the
// page also logs in with them when it has no login yet (the bundled demo). Every response of its
// own has Cache-Control: no-cache so a rebuilt service worker and wasm are always picked up.
// With --sw-revision-file, every sw.js ends with a line `// revision: R`, R being the trimmed
// contents of PATH (0 while it is missing) read at each request: a test writes a new R and calls
// registration.update() to make the browser install a new service-worker version without a
// rebuild.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createApiProxy, isServerPath, parseUpstream } from './api-proxy.mjs';

function parseArgs(argv) {
  const opts = { port: 8080, dir: 'dist', host: '127.0.0.1', apiUpstream: '', serverUrl: '', apiKey: '', email: '', password: '', autoConnect: false, swRevisionFile: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--port': opts.port = Number(value()); break;
      case '--dir': opts.dir = value(); break;
      case '--host': opts.host = value(); break;
      case '--api-upstream': opts.apiUpstream = value() ?? ''; break;
      case '--server-url': opts.serverUrl = value() ?? ''; break;
      case '--api-key': opts.apiKey = value() ?? ''; break;
      case '--email': opts.email = value() ?? ''; break;
      case '--password': opts.password = value() ?? ''; break;
      case '--auto-connect': opts.autoConnect = true; break;
      case '--sw-revision-file': opts.swRevisionFile = value() ?? ''; break;
      case '-h': case '--help':
        console.log('usage: node scripts/serve-www.mjs [--port N] [--dir DIR] [--host H] [--api-upstream URL] [--server-url URL] [--api-key KEY] [--email E --password P] [--auto-connect] [--sw-revision-file PATH]');
        process.exit(0);
      default:
        console.error(`serve-www: unknown argument ${a}`);
        process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('serve-www: --port must be 0..65535');
    process.exit(2);
  }
  if (opts.apiUpstream) {
    opts.apiUpstream = parseUpstream(opts.apiUpstream);
    if (opts.apiUpstream instanceof Error) {
      console.error(`serve-www: ${opts.apiUpstream.message}`);
      process.exit(2);
    }
  }
  return opts;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const opts = parseArgs(process.argv.slice(2));
const root = path.resolve(opts.dir);
if (!fs.existsSync(path.join(root, 'index.html'))) {
  console.error(`serve-www: ${root}/index.html not found; build first (npx webpack)`);
  process.exit(1);
}

const configJson = JSON.stringify({
  defaultServerUrl: opts.serverUrl,
  defaultApiKey: opts.apiKey,
  defaultEmail: opts.email,
  defaultPassword: opts.password,
  autoConnect: opts.autoConnect,
});

function send(res, status, headers, body) {
  res.writeHead(status, { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(body);
}

// The revision line for sw.js: one line whatever the file holds, so it stays a comment.
function revisionLine() {
  let revision;
  try {
    revision = fs.readFileSync(opts.swRevisionFile, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    revision = '';
  }
  return `// revision: ${revision || '0'}\n`;
}

// sw.js with its revision line, whole in memory: the Content-Length must count the extra line.
function sendRevisedWorker(req, res, file, headers) {
  fs.readFile(file, (err, script) => {
    if (err) return send(res, 404, { 'Content-Type': 'text/plain' }, 'not found\n');
    const separator = script.length && script[script.length - 1] !== 0x0a ? '\n' : '';
    const body = Buffer.concat([script, Buffer.from(separator + revisionLine())]);
    send(res, 200, { ...headers, 'Content-Length': body.length }, req.method === 'HEAD' ? undefined : body);
  });
}

const apiProxy = opts.apiUpstream ? createApiProxy(opts.apiUpstream) : null;

/** The request's decoded path, or null when it is not one. */
function pathOf(req) {
  try {
    return decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return null;
  }
}

// No limit on the time to receive a request: a large upload through the proxy may take longer
// than Node's default 5 minutes, and nginx limits only the pause between reads.
const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
  let pathname = pathOf(req);
  if (pathname === null) return send(res, 400, { 'Content-Type': 'text/plain' }, 'bad request\n');
  if (apiProxy && isServerPath(pathname)) return apiProxy.forward(req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'method not allowed\n');
  }
  if (pathname === '/config.json') {
    return send(res, 200, { 'Content-Type': MIME['.json'] }, req.method === 'HEAD' ? undefined : configJson);
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.resolve(root, '.' + pathname);
  if (file !== root && !file.startsWith(root + path.sep)) {
    return send(res, 403, { 'Content-Type': 'text/plain' }, 'forbidden\n');
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, { 'Content-Type': 'text/plain' }, 'not found\n');
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Content-Length': st.size };
    const isWorker = path.basename(file) === 'sw.js';
    if (isWorker) headers['Service-Worker-Allowed'] = '/';
    if (isWorker && opts.swRevisionFile) return sendRevisedWorker(req, res, file, headers);
    res.writeHead(200, { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
});

if (apiProxy) {
  server.on('upgrade', (req, socket, head) => {
    const pathname = pathOf(req);
    if (pathname !== null && isServerPath(pathname)) return apiProxy.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}

server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  console.log(`www listening on http://${host}:${port}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 500).unref();
  });
}
