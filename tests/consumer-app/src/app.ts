// A web app of someone else's that embeds immich-background: log in with an API key, pick
// files, back them up through the package's service worker, and show the channel's progress.
import init, * as ib from 'immich-background';
import type { ChannelMessage, ServerInfo, Settings, StopReason, UploadState } from 'immich-background';

const byId = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found as T;
};

const status = byId<HTMLParagraphElement>('status');
const progress = byId<HTMLParagraphElement>('progress');
const stopped = byId<HTMLParagraphElement>('stopped');

function showProgress(state: UploadState): void {
  progress.textContent = `${state.completedCount} of ${state.totalCount} backed up, ${state.failedCount} failed`;
}

function showStop(reason: StopReason, message: string): void {
  stopped.dataset.reason = reason;
  stopped.textContent = message;
}

function onMessage(msg: ChannelMessage): void {
  switch (msg.method) {
    case 'updateNotification':
      if (msg.args) showProgress(msg.args.state);
      break;
    case 'systemStop':
      showStop(msg.args.reason, msg.args.message);
      break;
    default:
      break;
  }
}

async function post(message: ChannelMessage): Promise<void> {
  const registration = await navigator.serviceWorker.ready;
  const worker = navigator.serviceWorker.controller ?? registration.active;
  if (!worker) throw new Error('no service worker');
  worker.postMessage(message);
}

async function main(): Promise<void> {
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<ChannelMessage>) => onMessage(event.data));
  navigator.serviceWorker.startMessages();
  await init();
  await navigator.serviceWorker.register('sw.js', { type: 'module', scope: './' });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
  }

  // the worker answers with the current state (a typed message of the channel)
  await post({ method: 'updateNotification', args: null });

  byId<HTMLButtonElement>('connect').addEventListener('click', async () => {
    try {
      const key = byId<HTMLInputElement>('api-key').value;
      const info: ServerInfo = await ib.connect(location.origin, key);
      // one upload at a time: a setting of the package's, typed
      const settings: Settings = await ib.loadSettings();
      await ib.saveSettings({ ...settings, parallelUploads: 1 });
      status.textContent = `Connected to ${info.serverUrl} (Immich v${info.version})`;
    } catch (err) {
      status.textContent = `Failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  });

  byId<HTMLInputElement>('files').addEventListener('change', async (event) => {
    const input = event.target as HTMLInputElement;
    const queued: number = await ib.enqueueFiles([...(input.files ?? [])]);
    byId('queued').textContent = `${queued} queued`;
  });

  byId<HTMLButtonElement>('backup').addEventListener('click', () => {
    post({ method: 'start' }).catch((err: unknown) => { status.textContent = String(err); });
  });
  document.documentElement.dataset.ready = 'true';
}

main().catch((err: unknown) => {
  status.textContent = `Could not start: ${String(err)}`;
});
