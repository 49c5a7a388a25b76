// Section 3: one-off picks (file pickers, drag and drop) and queueing them, and what the copies
// of picked files take of the browser's storage.
import { $, showError, errorMessage, plural, sizeText } from './dom.js';

/** All files below a FileSystemDirectoryHandle, depth first. */
async function walk(dir, out) {
  for await (const handle of dir.values()) {
    if (handle.kind === 'file') out.push(await handle.getFile());
    else if (handle.kind === 'directory') await walk(handle, out);
  }
  return out;
}

const PICKER_TYPES = [{ description: 'Photos and videos', accept: { 'image/*': [], 'video/*': [] } }];

export function setupFiles(ib, { onQueued, onPickFolder }) {
  const input = $('file-input');
  const inputLabel = $('choose-files');
  const pickBtn = $('pick-files');
  const zone = $('drop-zone');
  const folderBtn = $('pick-folder');
  const status = $('queue-status');
  const storageLine = $('storage-use');
  const error = $('files-error');

  // true while the status says how many files were queued (not "Queueing…" or "Reading…")
  let showsQueued = false;
  const setStatus = (text, queued = false) => {
    status.textContent = text;
    showsQueued = queued;
  };

  async function refreshStorage() {
    let use;
    try {
      use = await ib.storageUse();
    } catch {
      use = undefined;
    }
    storageLine.hidden = !use;
    if (!use) return;
    storageLine.dataset.usage = String(use.usage);
    storageLine.dataset.quota = String(use.quota);
    storageLine.textContent = `Stored copies use ${sizeText(use.usage)} of ${sizeText(use.quota)}`;
  }

  /** `queue` stores the pick (copies or handles) and resolves to how many were queued. */
  const queueNow = async (count, queue) => {
    showError(error, '');
    if (!count) return;
    setStatus(`Queueing ${plural(count, 'file')}…`);
    try {
      const n = await queue();
      setStatus(`${plural(n, 'file')} queued`, true);
      await onQueued(n);
    } catch (err) {
      setStatus('');
      showError(error, errorMessage(err));
    }
    await refreshStorage();
  };
  const copies = (files) => queueNow(files.length, () => ib.enqueueFiles(files));
  // one pick at a time, in the order the user made them
  let busy = Promise.resolve();
  const serially = (job) => (busy = busy.then(job, job));
  const enqueue = (files) => serially(() => copies(files));

  input.addEventListener('change', () => {
    const files = Array.from(input.files ?? []);
    input.value = '';
    enqueue(files);
  });

  // Where the browser has it, the file picker hands out handles: the files are read where
  // they are, nothing is copied. The <input> stays for drops' fallback and other browsers.
  if (typeof window.showOpenFilePicker === 'function') {
    pickBtn.hidden = false;
    inputLabel.hidden = true;
    input.tabIndex = -1;
    pickBtn.addEventListener('click', async () => {
      showError(error, '');
      let handles;
      try {
        handles = await window.showOpenFilePicker({ multiple: true, id: 'immich-backup-files', types: PICKER_TYPES });
      } catch (err) {
        if (err?.name !== 'AbortError') showError(error, errorMessage(err));
        return;
      }
      serially(() => queueNow(handles.length, () => ib.enqueueFileHandles(handles)));
    });
  }

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
        await copies(files.length ? files : fallback);
      });
    } else {
      enqueue(fallback);
    }
  });

  // a picked folder becomes a backup folder: read in place, and scanned again at every run
  if (typeof window.showDirectoryPicker === 'function') {
    folderBtn.hidden = false;
    folderBtn.addEventListener('click', () => {
      showError(error, '');
      onPickFolder();
    });
  }

  return {
    refreshStorage,
    /** A run backed up what was queued: "N files queued" is no longer news. */
    clearQueued() {
      if (showsQueued) setStatus('');
    },
  };
}
