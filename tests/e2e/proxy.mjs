// A programmable reverse proxy in front of fake-immich, for the faults a real deployment shows:
// an outage the client's requests run into (counted, since a stopped server counts nothing),
// a body stalled after the headers, a redirect, an error page that echoes the request headers.
// The harness puts it behind the page's own origin (serve-www --api-upstream: page -> serve-www
// -> this proxy -> fake-immich), or, across origins, the page logs in to the proxy's address and
// CORS headers come from fake-immich unchanged. Requests and WebSocket upgrades keep their Host,
// so fake-immich sees what it would see behind serve-www alone.
import http from 'node:http';
import { createApiProxy, parseUpstream } from '../../scripts/api-proxy.mjs';

/**
 * Starts the proxy on a free loopback port. Returns { url, requests, setDown(bool),
 * stallNextBody(path, ms), redirectNext(path, location), echoHeadersNext(path, status),
 * close() }; a fault applies to the next request (not a CORS preflight) for exactly that path. `requests` lists every request received as
 * { at, method, path, refused }.
 */
export async function startProxy(targetUrl) {
  const target = new URL(targetUrl);
  const requests = [];
  const once = new Map(); // path -> fault, used by the next request for that path
  let down = false;
  const sockets = new Set();

  const takeFault = (url) => {
    const path = url.split('?')[0];
    const fault = once.get(path) ?? null;
    once.delete(path);
    return fault;
  };

  const server = http.createServer((req, res) => {
    const entry = { at: Date.now(), method: req.method, path: req.url, refused: down };
    requests.push(entry);
    if (down) {
      // What a browser sees of a server that is gone: the connection dies without an answer.
      req.socket.destroy();
      return;
    }
    const fault = req.method === 'OPTIONS' ? null : takeFault(req.url);
    if (fault?.kind === 'redirect') {
      req.resume();
      res.writeHead(302, { location: fault.location, 'access-control-allow-origin': req.headers.origin ?? '*' });
      res.end();
      return;
    }
    if (fault?.kind === 'echo') {
      req.resume();
      req.on('end', () => {
        // The key first: the part of a page a client keeps must be the part that leaks.
        const headers = Object.entries(req.headers).sort(([a], [b]) => (b === 'x-api-key') - (a === 'x-api-key'));
        const dump = headers.map(([k, v]) => `${k}: ${v}`).join('\n');
        res.writeHead(fault.status, {
          'content-type': 'text/html',
          'access-control-allow-origin': req.headers.origin ?? '*',
        });
        res.end(`<html><body><h1>Bad gateway</h1><pre>${dump}\n${'x'.repeat(5000)}</pre></body></html>`);
      });
      return;
    }
    const upstream = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      if (fault?.kind === 'stall') {
        // Headers now, the body only after the stall: a client whose timeout ends at the
        // headers waits for ever.
        res.flushHeaders();
        setTimeout(() => answer.pipe(res), fault.ms).unref();
      } else {
        answer.pipe(res);
      }
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const upgrades = createApiProxy(parseUpstream(targetUrl));
  server.on('upgrade', (req, socket, head) => {
    requests.push({ at: Date.now(), method: req.method, path: req.url, refused: down });
    if (down) socket.destroy();
    else upgrades.upgrade(req, socket, head);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** While down, every request is counted and its connection dropped unanswered. */
    setDown(value) {
      down = value;
      if (down) for (const socket of sockets) socket.destroy();
    },
    stallNextBody(path, ms) {
      once.set(path, { kind: 'stall', ms });
    },
    redirectNext(path, location) {
      once.set(path, { kind: 'redirect', location });
    },
    echoHeadersNext(path, status) {
      once.set(path, { kind: 'echo', status });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
