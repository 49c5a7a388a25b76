// Quick resume: a browser may stop the service worker at any time (idle, or an event that ran 5
// minutes in Chromium), and a stopped worker sends nothing. The worker answers every page message
// (with a serviceState at least), so while a run is going, silence means it is gone: a message
// wakes it, and it resumes the run from what it recorded in IndexedDB.
import { post, onChannelMessage } from './worker.js';

/**
 * No message for this long during a run: the worker is gone. Progress comes several times a
 * second, so this is only reached while one large file is sent (then the worker answers the
 * ping) or when the worker was stopped; short, so a stopped worker runs again within ~2 s.
 */
const SILENCE_MS = 1_000;
const CHECK_EVERY_MS = 250;

/** `isRunning()`: whether a run is going, as the page last heard it. */
export function startWatchdog(isRunning) {
  let lastHeard = Date.now();
  onChannelMessage(() => {
    lastHeard = Date.now();
  });
  setInterval(() => {
    if (!isRunning() || Date.now() - lastHeard < SILENCE_MS) return;
    // one wake-up per second of silence, not one per check, while the worker starts
    lastHeard = Date.now();
    post({ method: 'updateNotification' }).catch(() => {});
  }, CHECK_EVERY_MS);
}
