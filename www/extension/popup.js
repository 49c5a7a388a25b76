// The extension's toolbar popup: how the backup stands, and Back up / Stop. Everything else is
// the options page (the PWA's page). It talks to the worker over the same channel as the page.
import init, * as ib from './pkg/immich_background.js'; // external: dist/extension/pkg/
import { $, showError, errorMessage } from '../lib/dom.js';
import { listen, onChannelMessage, post, register } from '../lib/worker.js';

const status = $('popup-status');
const failed = $('popup-failed');
const error = $('popup-error');
const startBtn = $('popup-start');
const stopBtn = $('popup-stop');

let loggedIn = false;
let running = false;

function render(state) {
  if (state) {
    const finished = state.completedCount + state.failedCount + state.skippedCount;
    const waiting = Math.max(0, state.totalCount - finished);
    if (!loggedIn) status.textContent = 'Not logged in: open the settings to log in to your server.';
    else if (running) status.textContent = `Backing up: ${state.completedCount} of ${state.totalCount} done`;
    else if (waiting > 0) status.textContent = `${waiting} ${waiting === 1 ? 'file waits' : 'files wait'} to be backed up`;
    else status.textContent = 'Everything is backed up';
    failed.hidden = state.failedCount === 0;
    failed.textContent = `${state.failedCount} failed: see the settings page`;
  }
  startBtn.disabled = !loggedIn || running;
  stopBtn.disabled = !running;
}

async function refresh() {
  render(await ib.uploadState());
}

async function main() {
  listen();
  await init();
  loggedIn = Boolean(await ib.currentLogin());
  await refresh();
  onChannelMessage((msg) => {
    if (msg.method === 'initialized') running = true;
    if (msg.method === 'systemStop') running = false;
    if (msg.method === 'updateNotification' && msg.args?.state) {
      if (msg.args.phase === 'idle') running = false;
      else if (msg.args.phase) running = true;
      render(msg.args.state);
    } else if (msg.method === 'systemStop') {
      refresh().catch((err) => showError(error, errorMessage(err)));
    }
  });
  startBtn.addEventListener('click', () => post({ method: 'start' }).catch((err) => showError(error, errorMessage(err))));
  stopBtn.addEventListener('click', () => post({ method: 'stop' }).catch((err) => showError(error, errorMessage(err))));
  await register();
  // the worker answers with the current state, and whether a run is going
  await post({ method: 'updateNotification' });
  document.documentElement.dataset.ready = 'true';
}

main().catch((err) => showError(error, `Could not start: ${errorMessage(err)}`));
