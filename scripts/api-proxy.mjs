// The part of a reverse proxy (nginx, Caddy, Traefik) that puts the PWA on the Immich server's
// origin: requests under /api, and WebSocket upgrades there, go on to the server. A stock
// server sends no CORS headers, so this is how a real user's PWA reaches it.
//
// Bodies stream both ways (an upload is not held in memory, the sync stream's lines arrive as
// the server writes them). Host stays the browser's, as Immich's own nginx example sets it, and
// X-Forwarded-For/-Proto/-Host say who asked. An upstream that cannot be reached is a 502, as a
// gateway answers.
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';

// Headers about one connection, not the request: each hop sets its own (RFC 9110 §7.6.1).
// `expect` too: this hop answers 100-continue itself.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate',
  'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

/** Whether this path belongs to the Immich server rather than to the PWA. */
export function isServerPath(pathname) {
  return pathname === '/api' || pathname.startsWith('/api/') || pathname === '/.well-known/immich';
}

/** The upstream as a bare origin (`http://host:port`), or an Error saying what is wrong. */
export function parseUpstream(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return new Error(`--api-upstream ${JSON.stringify(text)} is not a URL`);
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!['http:', 'https:'].includes(url.protocol) || !bare) {
    return new Error(`--api-upstream must be an origin such as http://127.0.0.1:2283, not ${text}`);
  }
  return url;
}

/** `headers` without the hop-by-hop ones, nor those the Connection header names as such. */
function endToEnd(headers) {
  const named = String(headers.connection ?? '').toLowerCase().split(',').map((t) => t.trim());
  return Object.fromEntries(Object.entries(headers)
    .filter(([name]) => !HOP_BY_HOP.has(name) && !named.includes(name)));
}

function requestHeaders(req) {
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  return {
    ...endToEnd(req.headers),
    // A body of unknown length goes on chunked whatever the method: Node chunks only POST, PUT
    // and PATCH by itself, and would send a DELETE's body unframed.
    ...(req.headers['transfer-encoding'] ? { 'transfer-encoding': 'chunked' } : {}),
    'x-forwarded-for': forwardedFor,
    'x-forwarded-proto': 'http',
    'x-forwarded-host': req.headers.host ?? '',
  };
}

/** A raw HTTP/1.1 response head (`rawHeaders`: name, value, ...) for a socket that left the HTTP server. */
function rawHead(answer, rawHeaders) {
  const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage ?? ''}`];
  for (let i = 0; i < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A forwarder to `upstream` (a URL from parseUpstream): `forward(req, res)` for the HTTP server's
 * requests, `upgrade(req, socket, head)` for its 'upgrade' event.
 */
export function createApiProxy(upstream) {
  const transport = upstream.protocol === 'https:' ? https : http;
  // One connection per request, as nginx's default: an idle connection the server has closed
  // would otherwise fail the next request with a 502 the server never caused.
  const agent = new transport.Agent({ keepAlive: false });
  const target = (req, headers) => ({
    host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent,
  });

  function forward(req, res) {
    const out = transport.request(target(req, requestHeaders(req)), (answer) => {
      res.writeHead(answer.statusCode, answer.statusMessage, endToEnd(answer.headers));
      // The head goes now, even while the body has not started (a long sync stream, a slow upload reply).
      res.flushHeaders();
      pipeline(answer, res, () => {});
    });
    out.on('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' }).end('bad gateway\n');
    });
    // A client that goes away takes its upstream request with it: while it sends, pipeline
    // destroys `out`; once it has sent, the closed response does.
    pipeline(req, out, () => {});
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
  }

  function upgrade(req, socket, head) {
    const headers = { ...requestHeaders(req), connection: 'Upgrade', upgrade: req.headers.upgrade };
    const out = transport.request(target(req, headers));
    out.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
      socket.write(rawHead(answer, answer.rawHeaders));
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      pipeline(upstreamSocket, socket, () => upstreamSocket.destroy());
      pipeline(socket, upstreamSocket, () => socket.destroy());
    });
    // Refused (no 101): relay the answer, its body (decoded here) delimited by closing the connection.
    out.on('response', (answer) => {
      const kept = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        const name = answer.rawHeaders[i].toLowerCase();
        if (!HOP_BY_HOP.has(name) && name !== 'content-length') kept.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
      }
      socket.write(rawHead(answer, [...kept, 'Connection', 'close']));
      pipeline(answer, socket, () => {});
    });
    out.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
    // A client gone before the server answered: nothing to wait for.
    socket.on('close', () => out.destroy());
    socket.on('error', () => out.destroy());
    out.end();
  }

  return { forward, upgrade };
}
