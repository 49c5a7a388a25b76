// serve-www as the reverse proxy of a deployment (no browser): /api of any method and
// /.well-known/immich go to the server with the browser's Host and X-Forwarded-*, bodies stream
// both ways, a client that leaves closes its request upstream, every Set-Cookie comes back, a
// server that is gone is a 502, and WebSocket upgrades reach fake-immich's socket.io, also
// through the fault proxy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { API_KEY, FAKE_IMMICH_BIN, ROOT, freePort, killChild, spawnAndWait } from './harness.mjs';
import { startProxy } from './proxy.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-www-'));
fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>pwa</title>\n');
const children = [];
let echo;
let faultProxy;
/** Resolved when the upstream sees the held request's connection close. */
let heldClosed;

/** An upstream that answers what it received, or streams (see `routes`). */
function startEcho() {
  const routes = {
    // The first line goes out as soon as the first piece of the body arrives, the last at its end.
    '/api/stream': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      req.once('data', () => res.write('first piece arrived\n'));
      req.on('end', () => res.end('body ended\n'));
    },
    // Never answers (a server still working on it): resolves `heldClosed` when the caller goes.
    '/api/held': (req) => {
      req.resume();
      heldClosed = new Promise((resolve) => req.socket.once('close', resolve));
    },
    '/api/cookies': (req, res) => {
      req.resume();
      res.writeHead(201, { 'set-cookie': ['a=1; HttpOnly; Path=/', 'b=2; Path=/'] }).end();
    },
  };
  const server = http.createServer((req, res) => {
    const route = routes[req.url.split('?')[0]];
    if (route) return route(req, res);
    let length = 0;
    req.on('data', (d) => { length += d.length; });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, length }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function startWww(upstream) {
  const { child, value } = await spawnAndWait('serve-www', process.execPath, [
    path.join(ROOT, 'scripts/serve-www.mjs'), '--port', '0', '--dir', dir, '--api-upstream', upstream,
  ], /www listening on http:\/\/127\.0\.0\.1:(\d+)/);
  children.push(child);
  return Number(value);
}

/** One HTTP request as given (headers included); resolves with { status, headers, body }. */
function request(port, { method = 'GET', path: url, headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A WebSocket handshake for socket.io; resolves with { status, opening } (the first frame's text). */
function openSocket(port, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/api/socket.io/?EIO=4&transport=websocket', agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket, head) => {
      const frame = (bytes) => {
        socket.destroy();
        // A short unmasked text frame: 2 header bytes, then the payload.
        resolve({ status: res.statusCode, opening: bytes.subarray(2).toString() });
      };
      if (head.length) frame(head);
      else socket.once('data', frame);
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode, opening: '' });
    });
    req.on('error', reject);
    req.end();
  });
}

let wwwPort;
let immichUrl;
before(async () => {
  echo = await startEcho();
  wwwPort = await startWww(`http://127.0.0.1:${echo.address().port}`);
  const dataDir = path.join(dir, 'immich');
  const immich = await spawnAndWait('fake-immich', FAKE_IMMICH_BIN,
    ['--port', '0', '--data-dir', dataDir, '--api-key', API_KEY], /listening on (http:\/\/\S+)/);
  children.push(immich.child);
  immichUrl = immich.value.replace(/\/$/, '');
});

after(async () => {
  echo?.close();
  await faultProxy?.close();
  await Promise.all(children.map(killChild));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every method under /api reaches the server, with the Host and X-Forwarded-* of a reverse proxy', async () => {
  const host = `127.0.0.1:${wwwPort}`;
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    const body = method === 'GET' ? undefined : 'x'.repeat(1000);
    const res = await request(wwwPort, {
      method, path: '/api/assets/1?force=true', body,
      // A body of unknown length (chunked), which Node does not frame by itself for every method.
      headers: { host, 'x-api-key': 'k', 'keep-alive': 'timeout=5', 'x-hop': '1', connection: 'keep-alive, x-hop',
        ...(body ? { 'transfer-encoding': 'chunked' } : {}) },
    });
    assert.equal(res.status, 200, method);
    const seen = JSON.parse(res.body);
    assert.deepEqual([seen.method, seen.url, seen.length], [method, '/api/assets/1?force=true', body?.length ?? 0]);
    assert.equal(seen.headers.host, host, 'the browser\'s Host, as Immich\'s nginx example sets it');
    assert.equal(seen.headers['x-api-key'], 'k');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], host);
    assert.equal(seen.headers['keep-alive'], undefined, 'hop-by-hop headers stay on their hop');
    assert.equal(seen.headers['x-hop'], undefined, 'so do the ones Connection names');
  }
});

test('/.well-known/immich is the server\'s too; every other path is the PWA\'s', async () => {
  assert.equal(JSON.parse((await request(wwwPort, { path: '/.well-known/immich' })).body).url, '/.well-known/immich');
  assert.match((await request(wwwPort, { path: '/' })).body, /<title>pwa<\/title>/);
  assert.equal((await request(wwwPort, { path: '/apix' })).status, 404);
  assert.equal((await request(wwwPort, { method: 'POST', path: '/index.html' })).status, 405);
});

test('bodies stream both ways: the answer starts before the upload has ended', { timeout: 10_000 }, async () => {
  const req = http.request({ host: '127.0.0.1', port: wwwPort, method: 'POST', path: '/api/stream', agent: false });
  req.write('the first piece');
  const [res] = await once(req, 'response');
  res.setEncoding('utf8');
  const [first] = await once(res, 'data');
  assert.equal(first, 'first piece arrived\n', 'the server had the first piece while the upload went on');
  req.end('the rest');
  let rest = '';
  for await (const chunk of res) rest += chunk;
  assert.equal(rest, 'body ended\n');
});

test('a client that leaves before the answer takes its request to the server with it', { timeout: 10_000 }, async () => {
  heldClosed = null;
  const req = http.request({ host: '127.0.0.1', port: wwwPort, method: 'POST', path: '/api/held', agent: false });
  req.on('error', () => {});
  req.end('a whole body');
  while (!heldClosed) await new Promise((r) => setTimeout(r, 10));
  req.destroy();
  await heldClosed;
});

test('every Set-Cookie of an answer reaches the browser', async () => {
  const res = await request(wwwPort, { method: 'POST', path: '/api/cookies' });
  assert.equal(res.status, 201);
  assert.deepEqual(res.headers['set-cookie'], ['a=1; HttpOnly; Path=/', 'b=2; Path=/']);
});

test('a server that is gone is a 502, as from a gateway', async () => {
  const port = await startWww(`http://127.0.0.1:${await freePort()}`);
  assert.equal((await request(port, { path: '/api/server/ping' })).status, 502);
  const { status } = await openSocket(port, {});
  assert.equal(status, 502);
});

test('WebSocket upgrades reach fake-immich\'s socket.io, also through the fault proxy', async () => {
  const direct = await startWww(immichUrl);
  faultProxy = await startProxy(immichUrl);
  const chained = await startWww(faultProxy.url);
  for (const port of [direct, chained]) {
    const origin = `http://127.0.0.1:${port}`;
    const opened = await openSocket(port, { 'x-api-key': API_KEY, origin });
    assert.equal(opened.status, 101, `through ${port}`);
    assert.match(opened.opening, /^0\{"maxPayload"/, 'the Engine.IO open packet');
    const foreign = await openSocket(port, { 'x-api-key': API_KEY, origin: 'http://elsewhere.example' });
    assert.equal(foreign.status, 403, 'a page of another origin is refused by the server, and the refusal relayed');
  }
  assert.ok(faultProxy.requests.some((r) => r.path.startsWith('/api/socket.io/')), 'the chain went through the fault proxy');
});
