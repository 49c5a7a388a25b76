// The PWA page: UI around the wasm package (page side) and the service worker (which does the
// backing up). See docs/JS_API.md for the calls and the channel messages.
import init, * as ib from './pkg/immich_background.js';
import { $, showError, errorMessage } from './lib/dom.js';
import { listen, register, post } from './lib/worker.js';
import { setupServer } from './lib/server.js';
import { setupFiles } from './lib/files.js';
import { setupBackup } from './lib/backup.js';
import { setupSettings } from './lib/settings.js';
import { setupLogs } from './lib/logs.js';

const bootError = $('boot-error');

/** What the page can see and the worker cannot (DESIGN.md §2): shown to the user. */
async function showConditions() {
  const parts = [];
  const type = navigator.connection?.type;
  parts.push(type ? `Network: ${type}` : 'WiFi: unknown (this browser does not say)');
  try {
    const battery = await navigator.getBattery?.();
    parts.push(battery ? `Charging: ${battery.charging ? 'yes' : 'no'}` : 'Charging: unknown');
  } catch {
    parts.push('Charging: unknown');
  }
  $('conditions').textContent = parts.join(' · ');
}

async function main() {
  listen(); // before anything else: no channel message is missed
  await init();

  const logs = setupLogs(ib);
  // onQueued runs on a user's pick only, after every section is set up
  const files = setupFiles(ib, { onQueued: () => backup.refreshState() });
  const backup = setupBackup(ib, {
    onProgress: () => logs.refreshSoon(),
    onStopped: ({ reason }) => {
      logs.refresh();
      if (reason === 'completed') files.clearQueued();
    },
  });
  const server = setupServer(ib, {
    onLogin: () => backup.setLoggedIn(true),
    onLogout: () => {
      backup.setLoggedIn(false);
      backup.stopIfRunning();
    },
  });
  const settings = setupSettings(ib);

  await Promise.all([server.load(), settings.load(), backup.refreshState(), logs.refresh(), showConditions()]);

  navigator.storage?.persist?.().catch(() => {});

  try {
    await register();
    // the worker answers with the current state and resumes a run that a reload interrupted
    await post({ method: 'updateNotification' });
  } catch (err) {
    showError(bootError, `Background service unavailable: ${errorMessage(err)}`);
  }
  document.documentElement.dataset.ready = 'true';
}

main().catch((err) => {
  console.error(err);
  showError(bootError, `Could not start: ${errorMessage(err)}`);
});
