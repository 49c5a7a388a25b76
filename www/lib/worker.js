// The page's side of the channel `immich/foregroundChannel`: registers the module service
// worker, posts commands to it, and hands every message it sends to the listeners.
import { registerWorker } from './platform.js';
const KNOWN = new Set([
  'initialized', 'updateNotification', 'systemStop', 'serviceState', 'backgroundFetch', 'syncState', 'libraryChanged', 'liveState',
]);

const listeners = new Set();
export const onChannelMessage = (fn) => listeners.add(fn);

/** Starts listening before the worker is registered, so no early message is missed. */
export function listen() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object' || !KNOWN.has(msg.method)) return;
    for (const fn of listeners) {
      try {
        fn(msg);
      } catch (err) {
        console.error('channel listener failed', err);
      }
    }
  });
  navigator.serviceWorker.startMessages();
}

let registration = null;

export async function register() {
  if (!('serviceWorker' in navigator)) throw new Error('this browser has no service workers: background backup is not available');
  registration = await registerWorker();
  const ready = await navigator.serviceWorker.ready;
  // the worker claims the page on activation; wait (briefly) so replies reach this page
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 3000);
      navigator.serviceWorker.addEventListener('controllerchange', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
  return ready;
}

export async function post(msg) {
  const target = navigator.serviceWorker?.controller
    ?? (registration ?? (await navigator.serviceWorker.ready))?.active;
  if (!target) throw new Error('the background service is not running yet; reload the page');
  target.postMessage(msg);
}

export const getRegistration = () => registration;
