// The PWA page: UI around the wasm package (page side) and the service worker (which does the
// backing up). See docs/JS_API.md for the calls and the channel messages.
import init, * as ib from './pkg/immich_background.js';
import { $, showError, errorMessage } from './lib/dom.js';
import { listen, register, post } from './lib/worker.js';
import { setupServer } from './lib/server.js';
import { setupFiles } from './lib/files.js';
import { setupFolders } from './lib/folders.js';
import { setupBackup } from './lib/backup.js';
import { setupCarried } from './lib/carried.js';
import { setupService } from './lib/service.js';
import { setupSettings } from './lib/settings.js';
import { setupLogs } from './lib/logs.js';
import { setupLibrary } from './lib/library.js';
import { startPresence } from './lib/presence.js';
import { startWatchdog } from './lib/watchdog.js';

const bootError = $('boot-error');

async function main() {
  listen(); // before anything else: no channel message is missed
  await init();

  const logs = setupLogs(ib);
  // onQueued, onPickFolder and the folders' callbacks run on a user's action only, after every
  // section is set up
  // Files picked while a run goes join it; otherwise they wait for Back up.
  const onQueued = async () => {
    if (backup.isRunning()) await backup.startRun();
    await backup.refreshState();
  };
  const files = setupFiles(ib, { onQueued, onPickFolder: () => folders.add() });
  const folders = setupFolders(ib, {
    isRunning: () => backup.isRunning(),
    onAdded: () => backup.startRun(),
    onRemoved: () => backup.refreshState(),
  });
  const service = setupService(ib, { onState: (state) => backup.setServiceState(state) });
  const backup = setupBackup(ib, {
    onProgress: () => logs.refreshSoon(),
    onStopped: ({ reason }) => {
      logs.refresh();
      // copies of backed-up files are dropped as they are sent
      files.refreshStorage();
      // what was queued was sent, or left the queue: "N files queued" is no longer news
      if (reason === 'completed' || reason === 'cancelled') files.clearQueued();
    },
    onNotificationPermission: () => service.render(),
  });
  const library = setupLibrary(ib);
  const carried = setupCarried(ib, { show: (progress) => backup.showCarried(progress) });
  const server = setupServer(ib, {
    onLogin: (login) => {
      backup.setLoggedIn(true);
      library.setLogin(login);
      // a new session: its library comes now, not at the next wake-up
      if (login?.canSync) post({ method: 'syncNow' }).catch(() => {});
    },
    onLogout: () => {
      backup.setLoggedIn(false);
      backup.stopIfRunning();
      library.setLogin(null);
      library.refresh();
    },
  });
  const settings = setupSettings(ib, {
    onChange: (stored) => service.setSettings(stored),
    // a wake-up: the worker acts on the new settings and answers with its state
    onSaved: () => post({ method: 'updateNotification' }).catch(() => {}),
  });

  await Promise.all([
    server.load(), settings.load(), backup.refreshState(), logs.refresh(), service.load(), folders.refresh(),
    files.refreshStorage(), library.refresh(),
  ]);

  navigator.storage?.persist?.().catch(() => {});

  try {
    await register();
    // the worker answers with the current state and resumes a run that a reload interrupted
    await post({ method: 'updateNotification' });
    await carried.load();
    await startPresence({ onChange: (seen) => service.setSeen(seen) });
    startWatchdog(backup.isRunning);
  } catch (err) {
    showError(bootError, `Background service unavailable: ${errorMessage(err)}`);
  }
  document.documentElement.dataset.ready = 'true';
}

main().catch((err) => {
  console.error(err);
  showError(bootError, `Could not start: ${errorMessage(err)}`);
});
