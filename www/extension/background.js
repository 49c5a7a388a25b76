// The extension's service worker: the PWA's own (sw.js hands every web event to the wasm
// package) plus the wake-ups only an extension has. The worker asks for them itself
// (src/web/wakeups.rs sets the alarms); here they are heard, as sw.js hears Background Sync.
import { ready } from './sw.js';
import { workerWake } from './pkg/immich_background.js';

/** The one-off wake-up's alarm: core::lifecycle::BACKUP_SYNC_TAG, as the worker names it. */
const BACKUP_ALARM = 'immich-backup';

const report = (what) => (err) => console.error(`immich-background: ${what} failed:`, err);

/**
 * A wake-up; while a backup is still wanted (not due yet, or cut short) the worker is woken
 * again by an alarm, 30 s on (the soonest Chromium allows), as a PWA's Background Sync that
 * failed on purpose is tried again.
 */
async function wake(kind) {
  await ready;
  const again = await workerWake(kind, false);
  if (again) await chrome.alarms.create(BACKUP_ALARM, { delayInMinutes: 0.5 });
}

chrome.alarms.onAlarm.addListener((alarm) => {
  const kind = alarm.periodInMinutes ? 'periodicsync' : 'sync';
  wake(kind).catch(report(`the ${alarm.name} alarm`));
});

// The browser started: a backup that was wanted when it closed goes on.
chrome.runtime.onStartup.addListener(() => {
  wake('sync').catch(report('the start-up wake-up'));
});
