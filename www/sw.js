// The service worker of the PWA. A module worker: register it with {type: 'module'}.
// Every event goes to the wasm package (worker-events.js); the extension's background.js
// imports this module and adds the wake-ups only an extension has.
import init, * as wasm from './pkg/immich_background.js';
import { serveWorkerEvents } from './worker-events.js';

/** The wasm package, loaded once per worker start. */
export const ready = serveWorkerEvents(init(), wasm);
