// Helpers for the tests of the background service with no page of the PWA open, on top of
// harness.mjs: the service worker driven through the DevTools protocol (stopped, woken by a
// Background Sync, updated), its stored record read inside it, and a page made hidden.

/**
 * Opens about:blank (a window of another origin, which the worker does not count as a page of
 * the app) with a CDP session that follows the service worker's registration and versions, so
 * it keeps working with every page of the origin closed. Returns {
 *   page, registrationId(), versions() (the live ones, as CDP gives them: {versionId,
 *   runningStatus, status, scriptURL, ...}), history ([{at, versionId, runningStatus, status}] in
 *   arrival order), waitFor(predicate(versions), what, timeoutMs), stop() (every worker stopped,
 *   resolved once the browser says so), stopVersion(versionId), sync({tag, lastChance}) and
 *   periodicSync(tag) (resolved once the worker is woken), update() (the browser's update
 *   check), detach() }.
 */
export async function workerControl(env) {
  const origin = new URL(env.wwwUrl).origin;
  const scopeURL = env.wwwUrl;
  const page = await env.context.newPage();
  await page.goto('about:blank');
  const cdp = await env.context.newCDPSession(page);
  let registrationId = null;
  const versions = new Map();
  const history = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    for (const r of registrations) {
      if (r.scopeURL === scopeURL && !r.isDeleted) registrationId = r.registrationId;
    }
  });
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
    for (const v of updated) {
      if (!v.scriptURL.startsWith(origin)) continue;
      const before = versions.get(v.versionId);
      if (before?.runningStatus !== v.runningStatus || before?.status !== v.status) {
        history.push({ at: Date.now(), versionId: v.versionId, runningStatus: v.runningStatus, status: v.status });
      }
      versions.set(v.versionId, v);
    }
  });
  await cdp.send('ServiceWorker.enable');

  const live = () => [...versions.values()].filter((v) => v.status !== 'redundant');
  const control = {
    page,
    history,
    registrationId: () => registrationId,
    versions: live,
    /** Everything known of one version, redundant ones included. */
    version: (versionId) => versions.get(versionId),
    async waitFor(predicate, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(live())) {
        if (Date.now() > deadline) {
          throw new Error(`service worker: ${what} not seen within ${timeoutMs} ms: ${JSON.stringify(live())}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /**
     * Stops every worker of the browser context, as the browser may at any time. A worker still
     * starting ignores the request (seen with a stop right after a sync event woke it): asked
     * again until the browser says every worker is stopped.
     */
    async stop(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await cdp.send('ServiceWorker.stopAllWorkers');
        try {
          await control.waitFor((vs) => vs.every((v) => v.runningStatus === 'stopped'), 'every worker stopped',
            Math.min(2_000, Math.max(0, deadline - Date.now())));
          return;
        } catch (err) {
          if (Date.now() >= deadline) throw err;
        }
      }
    },
    /** Stops one version's worker (the others keep running). */
    async stopVersion(versionId) {
      await cdp.send('ServiceWorker.stopWorker', { versionId });
      await control.waitFor(() => versions.get(versionId)?.runningStatus === 'stopped', `version ${versionId} stopped`);
    },
    /**
     * A Background Sync event, as the browser fires one; resolves once the active worker is
     * starting or running (a stopped one is started for it).
     */
    async sync({ tag = 'immich-backup', lastChance = false } = {}) {
      await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId, tag, lastChance });
      await woken('the worker woken by a sync event');
    },
    async periodicSync(tag = 'immich-backup') {
      await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', { origin, registrationId, tag });
      await woken('the worker woken by a periodic sync event');
    },
    /** The browser's update check (as registration.update()): a changed sw.js installs. */
    update: () => cdp.send('ServiceWorker.updateRegistration', { scopeURL }),
    detach: () => cdp.detach().catch(() => {}),
  };
  const woken = (what) => control.waitFor((vs) => vs.some((v) => v.status === 'activated' && v.runningStatus !== 'stopped'), what);
  await control.waitFor(() => registrationId !== null, 'a registration');
  return control;
}

/**
 * Evaluates `fn(arg)` inside the newest instance of the service worker. It must be running: an
 * evaluation in a stopped worker waits for it to start.
 */
export async function inWorker(env, fn, arg) {
  const workers = env.context.serviceWorkers().filter((w) => new URL(w.url()).pathname.endsWith('/sw.js'));
  if (workers.length === 0) throw new Error('no service worker is known to the browser context');
  return workers[workers.length - 1].evaluate(fn, arg);
}

/** The background service's stored record (IndexedDB run_state/service), read in the worker. */
export const storedServiceRecord = (env) => inWorker(env, () => new Promise((resolve, reject) => {
  const open = indexedDB.open('immich-background');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const get = db.transaction('run_state').objectStore('run_state').get('service');
    get.onsuccess = () => {
      db.close();
      resolve(get.result ?? null);
    };
    get.onerror = () => reject(get.error);
  };
}));

/**
 * Makes the page hidden or visible to its own scripts. Headless Chromium keeps every page
 * `visible`: minimizing its window (Browser.setWindowBounds), another tab in front
 * (bringToFront, Target.activateTarget), Page.setWebLifecycleState and dropping Playwright's
 * --disable-backgrounding flags all leave it so. So `document.visibilityState` is overridden and
 * `visibilitychange` dispatched: the page reports `hidden` to the worker (pageState), while the
 * worker's own clients.matchAll() still sees the window visible.
 */
export const setVisibility = (page, state) => page.evaluate((hidden) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}, state === 'hidden');

/** The pages of the PWA's origin open now (about:blank is not one). */
export const originPages = (env) => env.context.pages().filter((p) => p.url().startsWith(env.wwwUrl));

/** Uploads and bulk-upload-checks that reached the server: any sign of a backup run. */
export async function backupRequests(env) {
  const counts = await env.requests();
  return (counts['POST /api/assets'] ?? 0) + (counts['POST /api/assets/bulk-upload-check'] ?? 0);
}

/** A small seeded generator (mulberry32): a failing random schedule can be run again. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
