// Shared set-up for the end-to-end tests: a fake Immich server, the static server for dist/,
// and a headless Chromium (playwright-core) with a fresh context. Everything started here is
// stopped by `stop()` (call it from an `after` hook).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startProxy } from './proxy.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const API_KEY = process.env.IMMICH_API_KEY ?? 'immich-dev-key';
/** fake-immich's seeded user (its defaults), for the password login. */
export const EMAIL = 'admin@immich.local';
export const PASSWORD = 'immich-dev-password';
/**
 * The parallelUploads setting's default: a stop, kill or outage cuts off at most this many
 * uploads, each sent again once.
 */
export const PARALLEL_UPLOADS = 3;
export const FAKE_IMMICH_BIN = path.resolve(ROOT, process.env.FAKE_IMMICH_BIN ?? 'target/debug/fake-immich');
const DIST = path.resolve(ROOT, process.env.E2E_DIST ?? 'dist');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Spawns `cmd args`, resolves with the first stdout line matching `pattern` (its first group),
 * rejects if the process exits first or nothing matches within `timeoutMs`.
 */
export function spawnAndWait(name, cmd, args, pattern, timeoutMs = 20_000) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${d}`);
  });
  const lines = readline.createInterface({ input: child.stdout });
  const found = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    lines.on('line', (line) => {
      if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${line}\n`);
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${name}: cannot run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready\n${stderr}`));
    });
  });
  // keep draining stdout after the first line so the child never blocks on a full pipe
  return found.then((value) => ({ child, value }), (err) => {
    child.kill('SIGKILL');
    throw err;
  });
}

export function killChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A TCP port that is free on 127.0.0.1 right now (listen on port 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `api(path, { method, body })`: a fake-immich API path (e.g. '/api/assets/statistics') of the
 * server at `serverUrl`, with the API key; resolves with the JSON answer (null when empty).
 */
export function serverApi(serverUrl) {
  return async (apiPath, { method = 'GET', body } = {}) => {
    const res = await fetch(serverUrl + apiPath, {
      method,
      headers: { 'x-api-key': API_KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${apiPath}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/**
 * Starts everything. By default the page and the server share one origin, as behind a reverse
 * proxy in production: serve-www forwards /api to fake-immich (started without CORS, as a stock
 * server), and the page logs in to its own origin. Options: crossOrigin (the page on its own
 * origin, fake-immich on another admitting the page's by CORS), faultProxy (proxy.mjs between
 * the page and fake-immich, as `env.proxy`), uploadDelayMs (fake-immich --upload-delay-ms),
 * stallBodyMs (fake-immich --stall-body-ms), autoConnect (serve-www --auto-connect, as `npm
 * start` runs it), bypassCsp (the page's CSP not enforced: benchmarks only, for a blob: worker),
 * swRevision (serve-www --sw-revision-file with this first revision: `env.setSwRevision(r)` then
 * makes the next update check install a new service-worker version), pingIntervalMs and
 * pingTimeoutMs (fake-immich's socket heartbeat, lowered to see a silent server noticed).
 * Returns { serverUrl (fake-immich itself, for the test's own requests), pageServerUrl (the
 * server's address as the page uses it), wwwUrl, browser, context, page, dataDir, stop(), ... helpers }.
 */
export async function start({
  crossOrigin, faultProxy, uploadDelayMs, stallBodyMs, autoConnect, bypassCsp, swRevision, pingIntervalMs, pingTimeoutMs,
} = {}) {
  for (const f of ['index.html', 'app.js', 'sw.js', 'pkg/immich_background.js', 'pkg/immich_background_bg.wasm']) {
    if (!fs.existsSync(path.join(DIST, f))) {
      throw new Error(`${path.join(DIST, f)} is missing: build the PWA first (wasm-pack build --target web && npx webpack)`);
    }
  }
  if (!fs.existsSync(FAKE_IMMICH_BIN)) {
    throw new Error(`${FAKE_IMMICH_BIN} is missing: build it first (cargo build -p fake-immich) or set FAKE_IMMICH_BIN`);
  }

  const env = { children: [], dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'immich-e2e-')) };
  env.stop = async () => {
    try {
      await env.browser?.close();
    } catch { /* already gone */ }
    await env.proxy?.close();
    await Promise.all(env.children.map(killChild));
    fs.rmSync(env.dataDir, { recursive: true, force: true });
  };

  try {
    // The page's origin is known before fake-immich starts: across origins it admits only that one.
    const wwwPort = await freePort();
    const wwwOrigin = `http://127.0.0.1:${wwwPort}`;
    const immichArgs = (port) => {
      const args = ['--port', String(port), '--data-dir', env.dataDir, '--api-key', API_KEY];
      if (crossOrigin) args.push('--allow-origin', wwwOrigin);
      if (uploadDelayMs) args.push('--upload-delay-ms', String(uploadDelayMs));
      if (stallBodyMs) args.push('--stall-body-ms', String(stallBodyMs));
      if (pingIntervalMs) args.push('--ping-interval-ms', String(pingIntervalMs));
      if (pingTimeoutMs) args.push('--ping-timeout-ms', String(pingTimeoutMs));
      return args;
    };
    const immich = await spawnAndWait('fake-immich', FAKE_IMMICH_BIN, immichArgs(0), /listening on (http:\/\/\S+)/);
    env.children.push(immich.child);
    env.immich = immich.child;
    env.serverUrl = immich.value.replace(/\/$/, '');
    /** Stops the fake server (an outage); `startServer` brings it back on the same port and data. */
    env.stopServer = () => killChild(env.immich);
    env.startServer = async () => {
      const again = await spawnAndWait('fake-immich', FAKE_IMMICH_BIN, immichArgs(new URL(env.serverUrl).port),
        /listening on (http:\/\/\S+)/);
      env.children.push(again.child);
      env.immich = again.child;
    };
    if (faultProxy) env.proxy = await startProxy(env.serverUrl);
    const upstream = env.proxy?.url ?? env.serverUrl;
    env.pageServerUrl = crossOrigin ? upstream : wwwOrigin;

    const revisionArgs = [];
    if (swRevision !== undefined) {
      env.swRevisionFile = path.join(env.dataDir, 'sw-revision');
      /** The revision the next sw.js request carries (a new one is a new worker version). */
      env.setSwRevision = (revision) => fs.writeFileSync(env.swRevisionFile, `${revision}\n`);
      env.setSwRevision(swRevision);
      revisionArgs.push('--sw-revision-file', env.swRevisionFile);
    }
    const www = await spawnAndWait('serve-www', process.execPath, [
      path.join(ROOT, 'scripts/serve-www.mjs'), '--port', String(wwwPort), '--dir', DIST,
      ...(crossOrigin ? ['--server-url', upstream] : ['--api-upstream', upstream]),
      '--api-key', API_KEY, ...(autoConnect ? ['--email', EMAIL, '--password', PASSWORD, '--auto-connect'] : []),
      ...revisionArgs,
    ], /www listening on (http:\/\/\S+)/);
    env.children.push(www.child);
    env.wwwUrl = www.value.replace(/\/$/, '') + '/';

    env.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    env.context = await env.browser.newContext({ bypassCSP: Boolean(bypassCsp) });
    // Every channel message the page receives, in arrival order, kept by the test itself: the
    // PWA exposes nothing for tests.
    await env.context.addInitScript(() => {
      window.__channel = [];
      navigator.serviceWorker?.addEventListener('message', (event) => {
        if (event.data && typeof event.data === 'object') window.__channel.push(event.data);
      });
    });
    await env.context.grantPermissions(['notifications', 'background-sync'], { origin: new URL(env.wwwUrl).origin });
    env.page = await env.context.newPage();
    env.pageErrors = [];
    env.page.on('pageerror', (err) => env.pageErrors.push(err));
    if (process.env.E2E_VERBOSE) {
      env.page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`));
      env.context.on('serviceworker', (w) => process.stderr.write(`[sw] started ${w.url()}\n`));
    }
  } catch (err) {
    await env.stop();
    throw err;
  }

  env.api = serverApi(env.serverUrl);
  env.statistics = () => env.api('/api/assets/statistics');
  /**
   * How many requests fake-immich received per 'METHOD /route' (e.g. 'POST /api/assets',
   * 'GET /api/assets/{id}'), failed ones included, and this call itself. Counted per server
   * process: after `stopServer()`/`startServer()` the counts start again at 0.
   */
  env.requests = () => env.api('/api/fake-immich/requests');
  /**
   * How many uploads arrived per content, per server process: uploadArrivals() answers
   * {hexSha1: count}; sendsOf(buffers) the counts of those contents.
   */
  env.uploadArrivals = () => env.api('/api/fake-immich/uploads');
  env.sendsOf = async (buffers) => {
    const arrivals = await env.uploadArrivals();
    return buffers.map((b) => arrivals[sha1(b)] ?? 0);
  };
  /** bulk-upload-check for many SHA-1 (hex) checksums: resolves with {checksum: result}. */
  env.checkChecksums = async (checksums) => {
    const { results } = await env.api('/api/assets/bulk-upload-check', {
      method: 'POST',
      body: { assets: checksums.map((checksum, i) => ({ id: String(i), checksum })) },
    });
    const byId = new Map(results.map((r) => [String(r.id), r]));
    return Object.fromEntries(checksums.map((c, i) => [c, byId.get(String(i))]));
  };

  /** Opens the PWA and waits until it has booted (wasm loaded, worker registered). */
  env.open = async () => {
    await env.page.goto(env.wwwUrl);
    await waitForReady(env.page);
  };

  /**
   * A new page of the PWA (after the last one closed): opened, booted, and from now on the page
   * every helper acts on. Assign the result to your `env.page` too (startForTests hands out a
   * copy of this object).
   */
  env.openNewPage = async () => {
    env.page = await env.context.newPage();
    env.page.on('pageerror', (err) => env.pageErrors.push(err));
    await env.open();
    return env.page;
  };

  /** Fills the server form and connects; resolves with the status text. */
  env.login = async ({ url = env.pageServerUrl, key = API_KEY } = {}) => {
    await env.page.fill('#server-url', url);
    await env.page.fill('#api-key', key);
    await env.page.click('#connect');
    await env.page.waitForFunction(() => {
      const s = document.getElementById('login-status').textContent;
      return s.startsWith('Connected') || !document.getElementById('login-error').hidden;
    }, null, { timeout: 20_000 });
    return {
      status: await env.page.textContent('#login-status'),
      error: await env.page.$eval('#login-error', (e) => (e.hidden ? '' : e.textContent)),
    };
  };

  /** Picks files through the file input and waits until the page says they are queued. */
  env.pickFiles = async (files) => {
    await env.page.setInputFiles('#file-input', files.map((f) => ({ name: f.name, mimeType: f.mimeType ?? 'image/jpeg', buffer: f.buffer })));
    await env.page.waitForFunction((n) => document.getElementById('queue-status').textContent === `${n} file${n === 1 ? '' : 's'} queued`
      || !document.getElementById('files-error').hidden, files.length, { timeout: 60_000 });
    const err = await env.page.$eval('#files-error', (e) => (e.hidden ? '' : e.textContent));
    if (err) throw new Error(`enqueueFiles failed: ${err}`);
  };

  /** The page's window.__channel (all channel messages so far). */
  env.channel = () => env.page.evaluate(() => window.__channel ?? []);

  /** Opens the PWA, logs in with the right key and queues `files`; the channel starts empty. */
  env.openWithQueued = async (files) => {
    await env.open();
    const { error } = await env.login();
    if (error) throw new Error(`connect failed: ${error}`);
    await env.pickFiles(files);
    await env.page.evaluate(() => { window.__channel.length = 0; });
  };

  /** Presses Back up and resolves once the worker reports `completed` files backed up. */
  env.backUpUntil = async (completed) => {
    await env.page.click('#backup-start');
    await env.page.waitForFunction(
      (n) => window.__channel.some((m) => m.method === 'updateNotification' && m.args?.state?.completedCount >= n),
      completed, { timeout: 60_000, polling: 50 },
    );
  };

  /** Resolves with the `count`-th systemStop message since the channel was emptied. */
  env.waitForStop = async (count = 1) => {
    try {
      await env.page.waitForFunction(
        (n) => window.__channel.filter((m) => m.method === 'systemStop').length >= n,
        count, { timeout: 90_000, polling: 100 },
      );
    } catch (err) {
      // What the page heard instead tells where a run stood (progress, state, stops, errors).
      const heard = (await env.channel()).map((m) => `${m.method} ${JSON.stringify(m.args ?? null).slice(0, 300)}`);
      err.message += `\nchannel (last 40 of ${heard.length}):\n${heard.slice(-40).join('\n')}`;
      throw err;
    }
    const stops = (await env.channel()).filter((m) => m.method === 'systemStop');
    return stops[count - 1];
  };

  /** Stops the service worker, as the browser may at any time (DevTools protocol). */
  env.stopWorker = async () => {
    const cdp = await env.context.newCDPSession(env.page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
  };

  /** True when the server holds every one of these contents (bulk-upload-check says duplicate). */
  env.holdsAll = async (buffers) => {
    const known = await env.checkChecksums(buffers.map(sha1));
    return Object.values(known).every((r) => r?.action === 'reject' && r.reason === 'duplicate');
  };

  /** uploadState() evaluated in the page (through the wasm package the page imported). */
  env.uploadState = () => env.page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.uploadState();
  });

  return env;
}

/**
 * For a test file: starts everything before its tests (and opens the PWA when `open` is set)
 * and stops it after them. The returned object is filled in by the `before` hook.
 */
export function startForTests({ open = false, ...options } = {}) {
  const env = {};
  before(async () => {
    Object.assign(env, await start(options));
    if (open) await env.open();
  });
  after(async () => {
    await env.stop?.();
  });
  return env;
}

export async function waitForReady(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true'
    || !document.getElementById('boot-error').hidden, null, { timeout: 30_000 });
  const bootError = await page.$eval('#boot-error', (e) => (e.hidden ? '' : e.textContent));
  if (bootError) throw new Error(`the page did not boot: ${bootError}`);
}

export const sha1 = (buf) => createHash('sha1').update(buf).digest('hex');

/**
 * Asserts that each of `buffers` reached the server once, or twice when `cuts` interruptions
 * (stops, kills, outages: `what`) left its upload unanswered: at most PARALLEL_UPLOADS per cut.
 */
export async function assertSentOnce(env, buffers, cuts, what) {
  const sends = await env.sendsOf(buffers);
  assert.ok(sends.every((n) => n === 1 || n === 2), `each file sent once, or twice when ${what} cut it off: ${sends}`);
  const twice = sends.filter((n) => n === 2).length;
  assert.ok(twice <= cuts * PARALLEL_UPLOADS, `at most ${PARALLEL_UPLOADS} uploads cut off by each of ${cuts} (${what}): ${twice} sent twice`);
}

/** A pseudo-random buffer of `size` bytes (random content: every file distinct). */
export function randomFile(size) {
  return randomBytes(size);
}

export function randomSize(min, max) {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** `count` photos of random content named `<prefix>-<i>.jpg`. */
export function photos(prefix, count, { min = 20_000, max = 80_000 } = {}) {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${String(i).padStart(2, '0')}.jpg`,
    buffer: randomFile(randomSize(min, max)),
  }));
}
