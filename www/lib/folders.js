// Section 2: backup folders. The user adds folders once (showDirectoryPicker); the worker scans
// them at every run and reads their files in place. Each folder shows its state and counts, can
// be given permission again, left out in parts, sent to an album, or removed.
import { $, h, showError, errorMessage, plural, when } from './dom.js';
import { onChannelMessage } from './worker.js';

/** Each read lists every folder against the whole queue: during a run, at most this often. */
const LIVE_REFRESH_MS = 5_000;

const STATE_TEXT = { ok: 'Ready', needsPermission: 'Needs permission', missing: 'Missing' };

/** One subfolder per line: folder names may hold commas. */
const parseExcluded = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);

export function setupFolders(ib, { isRunning, onAdded, onRemoved }) {
  const section = $('backup-folders');
  const addBtn = $('folder-add');
  const unsupported = $('folders-unsupported');
  const list = $('folders');
  const status = $('folders-status');
  const error = $('folders-error');
  const supported = typeof window.showDirectoryPicker === 'function';
  addBtn.hidden = !supported;
  unsupported.hidden = supported;

  // folder id -> its <li> (kept across reads, so edits and focus stay) and its last read
  const items = new Map();
  const latest = (id) => items.get(id)?.folder;

  function build(id) {
    const albumBox = h('input', { type: 'checkbox', class: 'folder-album' });
    const excluded = h('textarea', { class: 'folder-excluded', rows: 2, spellcheck: 'false' });
    const allowBtn = h('button', { type: 'button', class: 'folder-allow', text: 'Allow again' });
    const removeBtn = h('button', { type: 'button', class: 'folder-remove', text: 'Remove' });
    const li = h('li', { class: 'folder', 'data-folder-id': id },
      h('div', { class: 'folder-head' },
        h('strong', { class: 'folder-name' }),
        h('span', { class: 'folder-state' })),
      h('p', { class: 'folder-counts' }),
      h('p', { class: 'folder-scan muted' }),
      h('p', { class: 'folder-problem error' }),
      h('p', { class: 'folder-permission error', text: 'The browser no longer lets this app read this folder: Allow again gives it back.' }),
      h('label', { class: 'check' }, albumBox, h('span', { class: 'folder-album-label' })),
      h('label', {}, 'Leave out subfolders: one a line, as a path inside this folder (Screenshots, 2019/Trips)', excluded),
      h('div', { class: 'buttons' }, allowBtn, removeBtn));
    albumBox.addEventListener('change', () => save(id));
    excluded.addEventListener('change', () => save(id));
    allowBtn.addEventListener('click', () => allow(id));
    removeBtn.addEventListener('click', () => remove(id));
    return li;
  }

  function update(li, folder) {
    const part = (cls) => li.querySelector(`.${cls}`);
    li.dataset.state = folder.state;
    part('folder-name').textContent = folder.name;
    const state = part('folder-state');
    state.dataset.state = folder.state;
    state.textContent = STATE_TEXT[folder.state] ?? String(folder.state);
    const counts = part('folder-counts');
    const numbers = { files: folder.files, backedUp: folder.backedUp, waiting: folder.waiting, failed: folder.failed, skipped: folder.skipped };
    for (const [key, n] of Object.entries(numbers)) counts.dataset[key] = String(Number(n) || 0);
    counts.textContent = `${plural(Number(folder.files) || 0, 'file')} · ${counts.dataset.backedUp} backed up · `
      + `${counts.dataset.waiting} waiting · ${counts.dataset.failed} failed · ${counts.dataset.skipped} skipped`;
    const scanned = typeof folder.lastScanAtMs === 'number' ? when(folder.lastScanAtMs) : '';
    part('folder-scan').textContent = scanned ? `Last scanned ${scanned}` : 'Not scanned yet: the next backup scans it';
    const problem = part('folder-problem');
    problem.hidden = folder.state !== 'missing';
    problem.textContent = `This folder is gone, moved or renamed${folder.problem ? ` (${folder.problem})` : ''}. `
      + 'What was backed up stays recorded: put it back, or remove it and add it where it is now.';
    part('folder-permission').hidden = folder.state !== 'needsPermission';
    part('folder-allow').hidden = folder.state !== 'needsPermission';
    part('folder-album').checked = Boolean(folder.album);
    part('folder-album-label').textContent = `Add to album “${folder.name}”`;
    const excluded = part('folder-excluded');
    // what the user is typing is theirs until it is saved
    if (document.activeElement !== excluded) excluded.value = (folder.excluded ?? []).join('\n');
  }

  function render(folders) {
    const seen = new Set();
    const ordered = folders.map((folder) => {
      seen.add(folder.id);
      const li = items.get(folder.id)?.li ?? build(folder.id);
      items.set(folder.id, { li, folder });
      update(li, folder);
      return li;
    });
    for (const id of items.keys()) if (!seen.has(id)) items.delete(id);
    // replaceChildren moves the kept elements, which would blur a focused control
    const same = ordered.length === list.children.length && ordered.every((li, i) => list.children[i] === li);
    if (!same) list.replaceChildren(...ordered);
    list.hidden = ordered.length === 0;
  }

  let generation = 0;
  let readFailed = false;
  let lastRefresh = 0;
  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    timer = null;
    lastRefresh = Date.now();
    // a slower earlier read must not replace what a later one showed
    const mine = ++generation;
    try {
      const folders = await ib.backupFolders();
      if (mine === generation) {
        render(Array.isArray(folders) ? folders : []);
        if (readFailed) showError(error, '');
        readFailed = false;
      }
    } catch (err) {
      if (mine === generation) {
        showError(error, `could not read the backup folders: ${errorMessage(err)}`);
        readFailed = true;
      }
    }
    // the counts move during a run even when no message comes (a long scan)
    if (isRunning()) refreshSoon();
  }
  function refreshSoon() {
    if (timer) return;
    timer = setTimeout(refresh, Math.max(0, lastRefresh + LIVE_REFRESH_MS - Date.now()));
  }

  onChannelMessage((msg) => {
    if (msg.method === 'systemStop') refresh();
    else if (msg.method === 'updateNotification' || msg.method === 'initialized') refreshSoon();
  });

  /**
   * Runs a user's action on a folder: its message, then the list as it is now. One at a time:
   * a blur of the subfolder box by a click on the album box saves twice, in that order.
   */
  let acting = Promise.resolve();
  const act = (job) => (acting = acting.then(async () => {
    showError(error, '');
    try {
      const news = await job();
      if (news) status.textContent = news;
    } catch (err) {
      showError(error, errorMessage(err));
    }
    await refresh();
  }));

  async function add() {
    showError(error, '');
    let dir;
    try {
      dir = await window.showDirectoryPicker({ mode: 'read', id: 'immich-backup-folders' });
    } catch (err) {
      if (err?.name !== 'AbortError') showError(error, errorMessage(err));
      return;
    }
    await act(async () => {
      const folder = await ib.addBackupFolder(dir);
      await onAdded();
      return `Added ${folder.name}`;
    });
    // the Files section's folder button adds here too: show where the folder went
    section.scrollIntoView({ block: 'nearest' });
  }

  function save(id) {
    // read now: a list read before this save's turn puts the stored options back in the boxes
    const { li } = items.get(id);
    const excluded = parseExcluded(li.querySelector('.folder-excluded').value);
    const album = li.querySelector('.folder-album').checked;
    act(async () => {
      const folder = await ib.setBackupFolderOptions(id, excluded, album);
      return `Saved the options of ${folder.name}`;
    });
  }

  // requestPermission needs this click: the worker cannot ask
  const allow = (id) => act(async () => {
    const { name } = latest(id);
    const handle = await ib.backupFolderHandle(id);
    if (await handle.requestPermission({ mode: 'read' }) !== 'granted') {
      return `${name} is not backed up until the browser may read it`;
    }
    await onAdded();
    return `${name} can be read again`;
  });

  function remove(id) {
    const { name } = latest(id);
    // the browser's own dialog: modal, accessible, and it cannot be clicked through by accident
    if (!window.confirm(`Remove the backup folder ${name}? Its files not yet backed up leave the queue; what was backed up stays on the server.`)) return;
    act(async () => {
      const n = await ib.removeBackupFolder(id);
      await onRemoved();
      return n ? `Removed ${name}: ${plural(n, 'file')} waiting left the queue` : `Removed ${name}`;
    });
  }

  addBtn.addEventListener('click', add);

  return { refresh, add };
}
