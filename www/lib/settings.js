// Section 5: the seven settings of DESIGN.md §4, uploadInterruptionLimit, the two of the
// background service (backupUnknownConditionsMet, advancedTroubleshooting), the size from which
// files go by Background Fetch (backgroundFetchMinMb), how long live updates outlive the page
// (realtimeDisconnectDelay), the uploads in flight at once (parallelUploads) and the size from
// which files are hashed as a stream (hashStreamMinMb). Validation is the wasm side's: the form sends what the user typed and shows the refusal message.
import { $, showError, errorMessage } from './dom.js';

const BOOLEANS = [
  'backgroundBackup',
  'backupRequireWifi',
  'backupRequireCharging',
  'backgroundBackupTotalProgress',
  'backgroundBackupSingleProgress',
  'backupUnknownConditionsMet',
  'advancedTroubleshooting',
];
const NUMBERS = ['backupTriggerDelay', 'uploadErrorNotificationGracePeriod', 'uploadInterruptionLimit', 'backgroundFetchMinMb', 'realtimeDisconnectDelay', 'parallelUploads', 'hashStreamMinMb'];

/**
 * `onChange(settings)`: the stored settings, after a load and after each save; `onSaved()`
 * after a save only.
 */
export function setupSettings(ib, { onChange = () => {}, onSaved = () => {} } = {}) {
  const form = $('settings-form');
  const status = $('settings-status');
  const error = $('settings-error');
  const field = (name) => form.elements.namedItem(name);

  function fill(settings) {
    for (const k of BOOLEANS) field(k).checked = Boolean(settings?.[k]);
    for (const k of NUMBERS) field(k).value = settings?.[k] ?? '';
  }

  function read() {
    const out = {};
    for (const k of BOOLEANS) out[k] = field(k).checked;
    for (const k of NUMBERS) {
      const raw = field(k).value.trim();
      const n = Number(raw);
      // send the text as is when it is not a number, so the validator names the key
      out[k] = raw !== '' && Number.isFinite(n) ? n : raw;
    }
    return out;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    status.textContent = '';
    try {
      const saved = await ib.saveSettings(read());
      fill(saved);
      status.textContent = 'Settings saved';
      onChange(saved);
      onSaved();
    } catch (err) {
      showError(error, errorMessage(err));
    }
  });

  $('settings-reset').addEventListener('click', () => {
    showError(error, '');
    fill(ib.defaultSettings());
    status.textContent = 'Defaults shown: Save to keep them';
  });

  return {
    async load() {
      try {
        const stored = await ib.loadSettings();
        fill(stored);
        onChange(stored);
      } catch (err) {
        showError(error, errorMessage(err));
        try { fill(ib.defaultSettings()); } catch { /* ignore */ }
      }
    },
  };
}
