// Section 2: picking files (input, drag and drop, folders) and queueing them.
import { $, showError, errorMessage, plural } from './dom.js';

/** All files below a FileSystemDirectoryHandle, depth first. */
async function walk(dir, out) {
  for await (const handle of dir.values()) {
    if (handle.kind === 'file') out.push(await handle.getFile());
    else if (handle.kind === 'directory') await walk(handle, out);
  }
  return out;
}

export function setupFiles(ib, { onQueued }) {
  const input = $('file-input');
  const zone = $('drop-zone');
  const folderBtn = $('pick-folder');
  const status = $('queue-status');
  const error = $('files-error');

  // true while the status says how many files were queued (not "Queueing…" or "Reading…")
  let showsQueued = false;
  const setStatus = (text, queued = false) => {
    status.textContent = text;
    showsQueued = queued;
  };

  const queueNow = async (files) => {
    showError(error, '');
    if (!files.length) return;
    setStatus(`Queueing ${plural(files.length, 'file')}…`);
    try {
      const n = await ib.enqueueFiles(files);
      setStatus(`${plural(n, 'file')} queued`, true);
      await onQueued(n);
    } catch (err) {
      setStatus('');
      showError(error, errorMessage(err));
    }
  };
  // one pick at a time, in the order the user made them
  let busy = Promise.resolve();
  const serially = (job) => (busy = busy.then(job, job));
  const enqueue = (files) => serially(() => queueNow(files));

  input.addEventListener('change', () => {
    const files = Array.from(input.files ?? []);
    input.value = '';
    enqueue(files);
  });

  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const dt = event.dataTransfer;
    // the DataTransfer is only readable during the event: take the handles synchronously
    const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file');
    const fallback = Array.from(dt.files ?? []);
    if (items.length && typeof items[0].getAsFileSystemHandle === 'function') {
      const handles = items.map((i) => i.getAsFileSystemHandle());
      serially(async () => {
        let files = [];
        try {
          for (const fh of await Promise.all(handles)) {
            if (fh?.kind === 'directory') await walk(fh, files);
            else if (fh) files.push(await fh.getFile());
          }
        } catch {
          files = fallback;
        }
        await queueNow(files.length ? files : fallback);
      });
    } else {
      enqueue(fallback);
    }
  });

  if (typeof window.showDirectoryPicker === 'function') {
    folderBtn.hidden = false;
    folderBtn.addEventListener('click', async () => {
      showError(error, '');
      let dir;
      try {
        dir = await window.showDirectoryPicker({ id: 'immich-backup', mode: 'read' });
      } catch (err) {
        if (err?.name !== 'AbortError') showError(error, errorMessage(err));
        return;
      }
      setStatus(`Reading ${dir.name}…`);
      try {
        enqueue(await walk(dir, []));
      } catch (err) {
        setStatus('');
        showError(error, `could not read the folder: ${errorMessage(err)}`);
      }
    });
  }

  return {
    /** A run backed up what was queued: "N files queued" is no longer news. */
    clearQueued() {
      if (showsQueued) setStatus('');
    },
  };
}
