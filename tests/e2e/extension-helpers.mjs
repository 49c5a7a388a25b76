// The browser extension (dist/extension/) loaded unpacked in headless Chromium, next to a
// fake-immich that sends no CORS headers (a stock server) and admits an extension's socket.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  API_KEY, CHROMIUM_ARGS, FAKE_IMMICH_BIN, ROOT, killChild, serverApi, spawnAndWait, waitForReady,
} from './harness.mjs';

const EXTENSION = path.resolve(ROOT, process.env.E2E_EXTENSION ?? 'dist/extension');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/**
 * Starts fake-immich and a Chromium profile with the extension. Returns { serverUrl,
 * pageServerUrl (the same: the extension reaches the server itself), extensionId, context,
 * worker() (the extension's running service worker), grantServer() (the server's host
 * permission, as the user grants it in the extension's site access), openOptions(),
 * openPopup(), stopWorker(), api(path), requests(), stop() }.
 */
export async function startExtension({ uploadDelayMs } = {}) {
  for (const f of ['manifest.json', 'background.js', 'sw.js', 'index.html', 'popup.html', 'pkg/immich_background_bg.wasm']) {
    if (!fs.existsSync(path.join(EXTENSION, f))) throw new Error(`${EXTENSION}/${f} is missing: npm run build`);
  }
  const env = { children: [], dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'immich-e2e-')), pageErrors: [] };
  env.stop = async () => {
    try {
      await env.context?.close();
    } catch { /* already gone */ }
    await Promise.all(env.children.map(killChild));
    fs.rmSync(env.dataDir, { recursive: true, force: true });
  };
  try {
    const args = ['--port', '0', '--data-dir', path.join(env.dataDir, 'server'), '--api-key', API_KEY, '--admit-extension-sockets'];
    if (uploadDelayMs) args.push('--upload-delay-ms', String(uploadDelayMs));
    const immich = await spawnAndWait('fake-immich', FAKE_IMMICH_BIN, args, /listening on (http:\/\/\S+)/);
    env.children.push(immich.child);
    env.serverUrl = immich.value.replace(/\/$/, '');
    env.pageServerUrl = env.serverUrl;

    env.context = await chromium.launchPersistentContext(path.join(env.dataDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${EXTENSION}`, `--load-extension=${EXTENSION}`],
    });
    let [worker] = env.context.serviceWorkers();
    worker ??= await env.context.waitForEvent('serviceworker', { timeout: 30_000 });
    env.extensionId = new URL(worker.url()).host;
    env.origin = `chrome-extension://${env.extensionId}`;
    // Every channel message a page of the extension receives, kept by the test itself.
    await env.context.addInitScript(() => {
      window.__channel = [];
      navigator.serviceWorker?.addEventListener('message', (event) => {
        if (event.data && typeof event.data === 'object') window.__channel.push(event.data);
      });
    });
  } catch (err) {
    await env.stop();
    throw err;
  }

  /** The extension's service worker as it runs now (a stopped one is started by its events). */
  env.worker = () => {
    const workers = env.context.serviceWorkers().filter((w) => w.url().startsWith(env.origin));
    return workers.at(-1) ?? env.context.waitForEvent('serviceworker', { timeout: 30_000 });
  };

  /**
   * The server's host permission, granted as a user does in chrome://extensions (site access):
   * Playwright cannot answer the prompt `chrome.permissions.request` shows, which then
   * resolves at once to true.
   */
  env.grantServer = async () => {
    const admin = await env.context.newPage();
    await admin.goto('chrome://extensions');
    const host = `${new URL(env.serverUrl).origin}/*`;
    await admin.evaluate(([id, pattern]) => chrome.developerPrivate.addHostPermission(id, pattern), [env.extensionId, host]);
    await admin.close();
  };

  const openPage = async (file) => {
    const page = await env.context.newPage();
    page.on('pageerror', (err) => env.pageErrors.push(err));
    if (process.env.E2E_VERBOSE) page.on('console', (m) => process.stderr.write(`[${file} ${m.type()}] ${m.text()}\n`));
    await page.goto(`${env.origin}/${file}`);
    return page;
  };
  /** The options page (the PWA's page), booted; from now on `env.page`. */
  env.openOptions = async () => {
    env.page = await openPage('index.html');
    await waitForReady(env.page);
    return env.page;
  };
  /** The toolbar popup's page, booted. */
  env.openPopup = async () => {
    const popup = await openPage('popup.html');
    await popup.waitForFunction(() => document.documentElement.dataset.ready === 'true'
      || !document.getElementById('popup-error').hidden, null, { timeout: 30_000 });
    return popup;
  };

  /** Stops every service worker, as the browser may at any time; resolves once stopped. */
  env.stopWorker = async () => {
    const blank = await env.context.newPage();
    const cdp = await env.context.newCDPSession(blank);
    const running = new Map();
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) if (v.scriptURL.startsWith(env.origin)) running.set(v.versionId, v.runningStatus);
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + 10_000;
    while ([...running.values()].some((s) => s !== 'stopped')) {
      if (Date.now() > deadline) throw new Error(`the worker did not stop: ${JSON.stringify([...running])}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await cdp.detach();
    await blank.close();
  };

  env.api = serverApi(env.serverUrl);
  env.requests = () => env.api('/api/fake-immich/requests');
  env.uploadArrivals = () => env.api('/api/fake-immich/uploads');
  return env;
}
