// Section 4: the seven settings of DESIGN.md §4 and uploadInterruptionLimit. Validation is the
// wasm side's: the form sends what the user typed and shows the refusal message.
import { $, showError, errorMessage } from './dom.js';

const BOOLEANS = [
  'backgroundBackup',
  'backupRequireWifi',
  'backupRequireCharging',
  'backgroundBackupTotalProgress',
  'backgroundBackupSingleProgress',
];
const NUMBERS = ['backupTriggerDelay', 'uploadErrorNotificationGracePeriod', 'uploadInterruptionLimit'];

export function setupSettings(ib) {
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
      fill(await ib.saveSettings(read()));
      status.textContent = 'Settings saved';
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
        fill(await ib.loadSettings());
      } catch (err) {
        showError(error, errorMessage(err));
        try { fill(ib.defaultSettings()); } catch { /* ignore */ }
      }
    },
  };
}
