// A service worker's events handed to the wasm package: what every worker that runs it does
// (the PWA's sw.js, the extension's background.js through it, and an embedder's own worker,
// which imports this module as `immich-background/worker`). It holds no logic: the package owns
// the queue, the runs, the notifications and the channel messages. Call it synchronously at the
// worker's top level, as the platform requires of event handlers.

/**
 * Registers the worker's event handlers. `ready` is the package's init() promise (the wasm
 * loads once per worker start); `wasm` its exports. `home` is the page a notification click
 * opens when none of the app's is open. Returns `ready`.
 */
export function serveWorkerEvents(ready, wasm, { home = 'index.html' } = {}) {
  const { workerBackgroundFetch, workerMessage, workerWake } = wasm;
  const report = (what) => (err) => console.error(`immich-background: ${what} failed:`, err);

  self.addEventListener('install', (event) => {
    event.waitUntil(ready.then(() => self.skipWaiting()));
  });

  self.addEventListener('activate', (event) => {
    // Functional events (message, sync) are held back until activation completes, so the
    // activate event waits for the claim only; workerWake (which may run a whole backup) is
    // started after it and kept alive by the worker's own later events (a page's
    // updateNotification, sync).
    event.waitUntil(
      self.clients.claim().then(() => ready).then(() => {
        workerWake('activate', false).catch(report('workerWake (activate)'));
      }),
    );
  });

  self.addEventListener('message', (event) => {
    const source = event.source?.id;
    event.waitUntil(ready.then(() => workerMessage(event.data, source)).catch(report('workerMessage')));
  });

  // A sync that ends with a backup still wanted (not due yet, or cut short) fails on purpose:
  // the browser then tries it again later, which is the only wake-up it grants a closed app.
  self.addEventListener('sync', (event) => {
    event.waitUntil(
      ready
        .then(() => workerWake('sync', event.lastChance))
        .then((again) => {
          if (again && !event.lastChance) throw new Error('the backup is not finished: wake me again');
        }),
    );
  });

  self.addEventListener('periodicsync', (event) => {
    event.waitUntil(ready.then(() => workerWake('periodicsync', false)).catch(report('workerWake (periodicsync)')));
  });

  // A large file a page handed to the browser's Background Fetch has ended: its answer goes into
  // the queue (and to the run that waits for it), even when no page is open any more.
  for (const type of ['backgroundfetchsuccess', 'backgroundfetchfail', 'backgroundfetchabort']) {
    self.addEventListener(type, (event) => {
      event.waitUntil(ready.then(() => workerBackgroundFetch(event)).catch(report(type)));
    });
  }

  self.addEventListener('notificationclick', (event) => {
    event.notification.close();
    event.waitUntil(
      (async () => {
        const scope = self.registration.scope;
        const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
        const mine = all.find((c) => c.url.startsWith(scope));
        if (mine) return mine.focus();
        return self.clients.openWindow(new URL(home, scope).href);
      })(),
    );
  });

  return ready;
}
