// The service worker of the PWA. A module worker: register it with {type: 'module'}.
// It holds no logic: every event is handed to the wasm package (src/web/backup_driver/), which
// owns the queue, the runs, the notifications and the channel messages. Handlers are registered
// synchronously at top level, as the platform requires; the wasm loads once per worker start.
import init, { workerBackgroundFetch, workerMessage, workerWake } from './pkg/immich_background.js';

/** The wasm package, loaded once per worker start (the extension's background.js waits on it too). */
export const ready = init();

const report = (what) => (err) => console.error(`immich-background sw: ${what} failed:`, err);

self.addEventListener('install', (event) => {
  event.waitUntil(ready.then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // Functional events (message, sync) are held back until activation completes, so the activate
  // event waits for the claim only; workerWake (which may run a whole backup) is started after it
  // and kept alive by the worker's own later events (the page's updateNotification, sync).
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

// A sync that ends with a backup still wanted (not due yet, or cut short) fails on purpose: the
// browser then tries it again later, which is the only wake-up it grants a closed app.
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
      return self.clients.openWindow(new URL('index.html', scope).href);
    })(),
  );
});
