// Benchmark (c): the first scan of a backup folder of 10,000 small files (1-4 KB, 100 folders of
// 100, some three levels deep) against today's pick, which copies the same files into
// IndexedDB (`enqueueFiles`). Each side runs in its own browser with a fresh profile (no state
// shared), from one run of this script: the time, and the IndexedDB bytes the browser counts
// (navigator.storage.estimate().usageDetails.indexedDB, after minus before).
//
// The folder is an origin-private file system folder, the same FileSystemDirectoryHandle type
// showDirectoryPicker hands out (tests/e2e/folder-helpers.mjs). Both sides get the same bytes:
// every file's content comes from a generator seeded with its number (bench/file-content.mjs).
//
// Scan: from the click on Back up until the worker's first progress report (updateNotification)
// counting all the files as queued. Before that report the run has asked the server's media
// types, walked the folder, recorded each file, written the 10,000 queue rows and loaded the
// queue: it is what a user waits for before the first file is hashed. The run goes on after
// it, so the test server holds every upload for a minute (--upload-delay-ms), and the page
// sends Stop as soon as the report comes: the bytes are read once the run has ended, with no
// upload made and only the first few files hashed.
// Pick: from the call of enqueueFiles(files) until it resolves; no run is started.
// For reference, the scan side also times the next run's scan of the unchanged folder, and the
// walk alone in the page. BENCH_FOLDER_FILES changes the count; BENCH_DEBUG=1 prints the
// worker's log and the rows recorded and queued every 2 s while the scan runs.
import { addOpfsFolder } from '../tests/e2e/folder-helpers.mjs';
import { installFileContent } from './file-content.mjs';
import { startOnDisk } from './on-disk.mjs';

const COUNT = Number(process.env.BENCH_FOLDER_FILES ?? 10_000);
const FOLDERS = 100;
const ROOT_FOLDER = 'Pictures';

/**
 * Runs in the page. `mode` 'write': writes the tree into the OPFS folder `root`; 'files': makes
 * the same files as File objects (kept in `window.__benchFiles`). Returns the files' total bytes.
 */
async function makeTree({ mode, count, folders, root }) {
  const perFolder = Math.ceil(count / folders);
  // the same bytes on both sides (bench/file-content.mjs)
  const contentOf = globalThis.benchFileContent;
  // 1, 2 or 3 levels: album-0, 2001/album-1, 2002/02/album-2, ...
  const dirOf = (f) => {
    const year = String(2000 + (f % 10));
    const month = String(1 + (f % 12)).padStart(2, '0');
    return [[], [year], [year, month]][f % 3].concat(`album-${f}`);
  };
  const lastModified = Date.UTC(2024, 5, 1);
  let total = 0;
  const files = [];
  const top = mode === 'write'
    ? await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true })
    : null;
  for (let f = 0; f < folders; f++) {
    const names = [];
    for (let j = 0; j < perFolder && f * perFolder + j < count; j++) names.push(f * perFolder + j);
    if (mode === 'files') {
      for (const n of names) {
        const bytes = contentOf(n);
        total += bytes.length;
        files.push(new File([bytes], `IMG_${String(n).padStart(5, '0')}.jpg`, { type: 'image/jpeg', lastModified }));
      }
      continue;
    }
    let dir = top;
    for (const part of dirOf(f)) dir = await dir.getDirectoryHandle(part, { create: true });
    // a few writes at a time: setting up is not measured, but 10,000 one by one is slow
    for (let at = 0; at < names.length; at += 20) {
      await Promise.all(names.slice(at, at + 20).map(async (n) => {
        const bytes = contentOf(n);
        total += bytes.length;
        const handle = await dir.getFileHandle(`IMG_${String(n).padStart(5, '0')}.jpg`, { create: true });
        const writable = await handle.createWritable();
        await writable.write(bytes);
        await writable.close();
      }));
    }
  }
  if (mode === 'files') window.__benchFiles = files;
  return total;
}

/**
 * Runs in the page: the walk alone, as the scan makes it (one entry at a time, getFile() for
 * each file, to read its size and date) with nothing recorded. For reference: what the scan
 * costs beyond reading the folder.
 */
async function bareWalk(root) {
  const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
  const t0 = performance.now();
  let files = 0;
  const dirs = [top];
  while (dirs.length) {
    for await (const handle of dirs.pop().values()) {
      if (handle.kind === 'directory') dirs.push(handle);
      else if ((await handle.getFile()).size > 0) files++;
    }
  }
  return { ms: performance.now() - t0, files };
}

/** IndexedDB bytes of the origin, read until two readings 300 ms apart agree (at most 5 s). */
async function indexedDbBytes(page) {
  return page.evaluate(async () => {
    const read = async () => (await navigator.storage.estimate()).usageDetails?.indexedDB ?? NaN;
    let last = await read();
    for (let i = 0; i < 16; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const now = await read();
      if (now === last) return now;
      last = now;
    }
    return last;
  });
}

async function openLoggedIn(env) {
  await env.open();
  const { error } = await env.login();
  if (error) throw new Error(`connect failed: ${error}`);
}

/**
 * Runs in the page: clicks Back up and resolves, once the worker reports `count` files queued,
 * with the milliseconds since the click; then sends Stop. With `debug`, also the worker's log
 * and the rows of folder_entries and upload_queue every 2 s, in ms since the click.
 */
async function backUpUntilQueued({ count, debug }) {
  const messages = [];
  const progress = [];
  let timer;
  const t0 = performance.now();
  if (debug) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('immich-background');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const countOf = (name) => new Promise((resolve) => {
      const req = db.transaction(name).objectStore(name).count();
      req.onsuccess = () => resolve(req.result);
    });
    timer = setInterval(async () => {
      const at = performance.now() - t0;
      progress.push(`${at.toFixed(0)} ms: folder_entries ${await countOf('folder_entries')}, upload_queue ${await countOf('upload_queue')}`);
    }, 2000);
  }
  const reported = new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', ({ data }) => {
      if (!data || typeof data !== 'object') return;
      messages.push(data.method);
      if (data.method === 'updateNotification' && data.args?.state?.totalCount >= count) resolve(performance.now());
      if (data.method === 'systemStop') resolve(null);
    });
  });
  const start = performance.now();
  document.getElementById('backup-start').click();
  const reportedAt = await reported;
  // the run goes on hashing and sending: stop it
  navigator.serviceWorker.controller.postMessage({ method: 'stop' });
  clearInterval(timer);
  const log = [];
  if (debug) {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    for (const entry of await ib.readLogs()) {
      const at = entry.atMs - performance.timeOrigin - t0;
      if (at >= 0) log.push(`${at.toFixed(0)} ms: ${entry.message}`);
    }
  }
  return { ms: reportedAt === null ? null : reportedAt - start, messages, debug: [...progress, ...log] };
}

async function scanSide() {
  // Uploads are held a minute by the server; the page stops each run once it has reported.
  const env = await startOnDisk({ uploadDelayMs: 60_000 });
  const debug = Boolean(process.env.BENCH_DEBUG);
  const backUp = async (stops) => {
    const measured = await env.page.evaluate(backUpUntilQueued, { count: COUNT, debug });
    if (measured.ms === null) throw new Error(`the run ended before it queued ${COUNT} files: ${measured.messages.join(', ')}`);
    if (debug) console.log(measured.debug.join('\n'));
    const stop = await env.waitForStop(stops);
    if (stop.args.reason !== 'stoppedByUser') throw new Error(`the run ended "${stop.args.reason}": ${stop.args.message}`);
    return measured.ms;
  };
  try {
    await openLoggedIn(env);
    await env.page.evaluate(installFileContent);
    const bytes = await env.page.evaluate(makeTree, { mode: 'write', count: COUNT, folders: FOLDERS, root: ROOT_FOLDER });
    const folder = await addOpfsFolder(env.page, ROOT_FOLDER);
    if (folder.state !== 'ok') throw new Error(`the folder was not added: ${JSON.stringify(folder)}`);
    const before = await indexedDbBytes(env.page);
    const ms = await backUp(1);
    const state = await env.uploadState();
    if (state.totalCount !== COUNT) throw new Error(`the queue holds ${state.totalCount} of ${COUNT}: ${JSON.stringify(state)}`);
    const after = await indexedDbBytes(env.page);
    const uploads = (await env.requests())['POST /api/assets'] ?? 0;
    // For reference: the next run's scan of the unchanged folder, and the walk alone.
    const rescanMs = await backUp(2);
    const walk = await env.page.evaluate(bareWalk, ROOT_FOLDER);
    if (walk.files !== COUNT) throw new Error(`the bare walk found ${walk.files} of ${COUNT} files`);
    return { ms, bytes: after - before, fileBytes: bytes, uploads, done: state.completedCount, rescanMs, walkMs: walk.ms };
  } finally {
    await env.stop();
  }
}

async function copySide() {
  const env = await startOnDisk();
  try {
    await openLoggedIn(env);
    await env.page.evaluate(installFileContent);
    const bytes = await env.page.evaluate(makeTree, { mode: 'files', count: COUNT, folders: FOLDERS });
    const before = await indexedDbBytes(env.page);
    const measured = await env.page.evaluate(async () => {
      const ib = await import(new URL('pkg/immich_background.js', location.href).href);
      const t0 = performance.now();
      const queued = await ib.enqueueFiles(window.__benchFiles);
      return { ms: performance.now() - t0, queued };
    });
    if (measured.queued !== COUNT) throw new Error(`enqueueFiles queued ${measured.queued} of ${COUNT}`);
    const after = await indexedDbBytes(env.page);
    return { ms: measured.ms, bytes: after - before, fileBytes: bytes };
  } finally {
    await env.stop();
  }
}

const scan = await scanSide();
const copy = await copySide();
if (scan.fileBytes !== copy.fileBytes) throw new Error(`the two sides differ: ${scan.fileBytes} and ${copy.fileBytes} bytes`);
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const perFile = (b) => `${(b / COUNT).toFixed(0)} bytes a file`;
console.log(`folders: ${COUNT} files of 1-4 KB (${mb(scan.fileBytes)}) in ${FOLDERS} folders up to 3 levels deep,`
  + ' each side in a fresh on-disk browser profile');
console.log(`  backup folder, first scan: ${sec(scan.ms)} from Back up until the worker reports ${COUNT} files queued;`
  + ` IndexedDB +${mb(scan.bytes)} (${perFile(scan.bytes)})`);
console.log(`  picked files, copied: enqueueFiles of the same ${COUNT} files ${sec(copy.ms)} until it resolves;`
  + ` IndexedDB +${mb(copy.bytes)} (${perFile(copy.bytes)}, of which the files' own ${(scan.fileBytes / COUNT).toFixed(0)})`);
console.log(`  ratio scan / copy: time ${(scan.ms / copy.ms).toFixed(2)}, IndexedDB bytes ${(scan.bytes / copy.bytes).toFixed(2)}`);
console.log(`  for reference: the next run's scan of the unchanged folder ${sec(scan.rescanMs)} (to the same report);`
  + ` the walk alone, in the page (values() and getFile() one entry at a time, nothing recorded) ${sec(scan.walkMs)}`);
console.log(`  (after each report the page stopped the run, the server holding uploads meanwhile: ${scan.uploads} upload(s) had`
  + ` reached it, ${scan.done} done)`);
