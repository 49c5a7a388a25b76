// Large files the browser carries (Background Fetch): the worker may not start one, so it asks
// this page, which reads the file and hands it to the browser; the upload then outlives the
// worker and the page. The page shows the bytes sent in the per-file bar, also after a reload.
import { errorMessage } from './dom.js';
import { post, onChannelMessage } from './worker.js';
import { backgroundFetchRefusal } from './platform.js';

/** `show({ name, uploaded, total })` while one is on its way, `show(null)` once none is. */
export function setupCarried(ib, { show }) {
  const attached = new Map(); // id -> { name, size, registration, onProgress }

  const render = () => {
    const [first] = attached.values(); // uploads go one at a time
    if (!first) {
      show(null);
      return;
    }
    const { registration } = first;
    show({ name: first.name, uploaded: registration.uploaded, total: registration.uploadTotal || first.size });
  };

  function attach(upload) {
    if (!upload?.registration || attached.has(upload.id)) return;
    const { registration } = upload;
    const onProgress = () => {
      // a result ('success' or 'failure') ends it: the worker records the outcome
      if (registration.result) {
        registration.removeEventListener('progress', onProgress);
        attached.delete(upload.id);
      }
      render();
    };
    if (registration.result) return;
    registration.addEventListener('progress', onProgress);
    attached.set(upload.id, { ...upload, onProgress });
    render();
  }

  onChannelMessage(async (msg) => {
    if (msg.method !== 'backgroundFetch') return;
    const request = msg.args ?? {};
    try {
      if (backgroundFetchRefusal) throw new Error(backgroundFetchRefusal);
      attach(await ib.startBackgroundFetch(request));
    } catch (err) {
      // the worker sends the file itself
      const args = { id: String(request.id ?? ''), reason: errorMessage(err) };
      await post({ method: 'backgroundFetchRefused', args }).catch(() => {});
    }
  });

  return {
    /** Attaches to the app's fetches still running (a reload does not stop them). */
    async load() {
      try {
        for (const upload of await ib.backgroundFetchUploads()) attach(upload);
      } catch (err) {
        console.warn('Background Fetch uploads not shown:', errorMessage(err));
      }
    },
  };
}
