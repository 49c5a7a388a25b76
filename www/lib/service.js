// What the background service does and what holds it up: the worker's serviceState messages (and
// ib.serviceState() for a page that just opened), the conditions as known, and what this browser
// or this user's choices leave out (no wake-ups, background backup off, no notifications).
import { $, h, errorMessage, when } from './dom.js';
import { onChannelMessage } from './worker.js';

const CONDITION_NAMES = { wifi: 'WiFi', charging: 'charging' };

/** Sets the text only when it changed: a status region re-announces every write. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setupService(ib, { onState }) {
  const line = $('service-status');
  const failing = $('backup-failing');
  const conditions = $('conditions');
  const notes = $('service-notes');

  let state = null; // the last ServiceState heard
  let settings = null; // the stored settings
  let seen = { wifi: null, charging: null }; // what this page sees itself

  function phaseText(s) {
    switch (s?.phase) {
      case 'idle': return 'Background service idle';
      case 'running': return 'Background service backing up';
      case 'paused': return 'Backup paused: Resume goes on where it stopped';
      case 'waitingForDelay': {
        const at = typeof s.dueAtMs === 'number' ? when(s.dueAtMs) : '';
        const delay = Number(settings?.backupTriggerDelay);
        const why = Number.isFinite(delay) && delay > 0 ? ` (trigger delay of ${delay} min)` : '';
        return `Background backup starts ${at ? `at ${at}` : 'after the trigger delay'}${why} unless you come back`;
      }
      case 'waitingForConditions': {
        const names = (Array.isArray(s.unmet) ? s.unmet : []).map((c) => CONDITION_NAMES[c] ?? String(c));
        return names.length ? `Waiting for ${names.join(' and ')}` : 'Waiting for the conditions';
      }
      case 'waitingForWakeUp': return 'Waiting for the browser to wake the background service';
      default: return '';
    }
  }

  function conditionsText() {
    const unknownMet = settings?.backupUnknownConditionsMet ?? true;
    const part = (label, value, required) => {
      const shown = value === true ? 'yes'
        : value === false ? 'no'
          : `unknown (counts as ${unknownMet ? 'met' : 'not met'} by your setting)`;
      return `${label}${required ? '' : ' (not required)'}: ${shown}`;
    };
    // the worker's view decides; before it answers (or where it lost track) the page's own
    return [
      part('WiFi', state?.wifi ?? seen.wifi, settings?.backupRequireWifi ?? true),
      part('Charging', state?.charging ?? seen.charging, settings?.backupRequireCharging ?? false),
    ].join(' · ');
  }

  function notesList() {
    const out = [];
    const background = state?.backgroundBackup ?? settings?.backgroundBackup;
    if (background === false) {
      out.push('Background backup is off: a backup runs only while this page is open, and stops when the last page closes.');
    }
    if (!('SyncManager' in window) && !('PeriodicSyncManager' in window)) {
      out.push('This browser cannot wake the background service: backups run only while this page is open.');
    }
    if (!('Notification' in window) || Notification.permission === 'denied') {
      out.push('Notifications are off: progress shows only in this page.');
    }
    return out;
  }

  function render() {
    setText(line, phaseText(state));
    const since = state?.backupFailedSince;
    const failText = typeof since === 'number' && when(since)
      ? `Backups have been failing since ${new Date(since).toLocaleString()}`
      : '';
    setText(failing, failText);
    failing.hidden = !failText;
    setText(conditions, conditionsText());
    const list = notesList();
    if (list.join('\n') !== Array.from(notes.children, (li) => li.textContent).join('\n')) {
      notes.replaceChildren(...list.map((text) => h('li', { text })));
    }
    notes.hidden = list.length === 0;
  }

  let heard = false;
  const accept = (s) => {
    if (!s || typeof s !== 'object') return;
    state = s;
    render();
    onState(s);
  };
  onChannelMessage((msg) => {
    if (msg.method !== 'serviceState') return;
    heard = true;
    accept(msg.args);
  });

  // the permission may change in the browser's settings while the page is open
  navigator.permissions?.query({ name: 'notifications' })
    .then((status) => status.addEventListener('change', render))
    .catch(() => {});

  return {
    /** The persisted state, for a page that just opened (a message may have come first). */
    async load() {
      if (typeof ib.serviceState === 'function') {
        try {
          const s = await ib.serviceState();
          if (!heard) accept(s);
        } catch (err) {
          setText(line, `Could not read the background service state: ${errorMessage(err)}`);
          return;
        }
      }
      render();
    },
    setSettings(s) {
      settings = s;
      render();
    },
    setSeen(s) {
      seen = s;
      render();
    },
    /** After the user answered the notification prompt. */
    render,
  };
}
