// Benchmark (e): a queue of 100,000 files (issue 10, target 3), in a fresh on-disk browser
// profile against a fresh test server, the page same-origin with it.
//
// 1. Queueing: 100,000 small files (1-4 KB each, none alike) written into the origin-private
//    file system (a folder of 100 folders of 1,000) by the page, their FileSystemFileHandles kept, then queued by `enqueueFileHandles` (what showOpenFilePicker's handles go
//    through: only the handle is stored, no copy of the file), timed in the page from the call
//    until it resolves. Baseline, in the same page: hand-written JavaScript doing the same job
//    for the same handles into a fresh database of the same two stores: getFile() of each
//    handle for its name, size and date (all asked at once), then one `put` of the handle and
//    one of its row (the same fields as ours) per file, in one transaction as ours writes them.
//    Ratio = ours / baseline (aim: at most 1.5).
// 2. The run over that queue: from the click on Back up until the worker reports the first
//    file done, then the time of files 1-1000 (each hashed, checked and uploaded), and the
//    service worker's memory meanwhile (DevTools protocol on its target: the JS heap's peak
//    sampled every 100 ms, and the wasm linear memory, which never shrinks, read once the run
//    has stopped; aim: below 64 MiB). Then the page sends Stop. Running all 100,000 would take
//    about 20 minutes here, so the cost per step of the first files against the last is
//    measured on the engine itself (`cargo bench --bench engine_scale`, run by `npm run bench`).
//
// BENCH_SCALE_FILES changes the count; BENCH_DEBUG=1 prints the run's progress every 3 s (as the
// page and the test server see it).
import { installFileContent } from './file-content.mjs';
import { startOnDisk } from './on-disk.mjs';
import { mib, sampleHeap, wasmMemories, workerSession } from './worker-memory.mjs';

const COUNT = Number(process.env.BENCH_SCALE_FILES ?? 100_000);
const DEBUG = Boolean(process.env.BENCH_DEBUG);
const PER_FOLDER = 1_000;
const RUN_FILES = Math.min(1_000, COUNT);
const ROOT_FOLDER = 'Scale';

/**
 * Runs in the page: writes `count` files into OPFS folder `root`, 64 at a time, then keeps
 * their handles in `window.__benchHandles`. Resolves with the files' total bytes.
 */
async function makeFiles({ count, perFolder, root }) {
  const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
  const dirs = [];
  for (let f = 0; f * perFolder < count; f++) dirs.push(await top.getDirectoryHandle(`d${f}`, { create: true }));
  const handles = new Array(count);
  let total = 0;
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const n = next++;
      const bytes = globalThis.benchFileContent(n);
      const size = bytes.length;
      const dir = dirs[Math.floor(n / perFolder)];
      const handle = await dir.getFileHandle(`IMG_${String(n).padStart(6, '0')}.jpg`, { create: true });
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
      handles[n] = handle;
      total += size;
    }
  };
  await Promise.all(Array.from({ length: 64 }, writer));
  window.__benchHandles = handles;
  return total;
}

/** Runs in the page: ours, `enqueueFileHandles` of the handles. */
async function queueOurs() {
  const ib = await import(new URL('pkg/immich_background.js', location.href).href);
  const t0 = performance.now();
  const queued = await ib.enqueueFileHandles(window.__benchHandles);
  return { ms: performance.now() - t0, queued };
}

/**
 * Runs in the page: the baseline, the same job by hand into a fresh database of the same two
 * stores. The row has the fields ours stores for a picked handle.
 */
async function queueBaseline() {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('scale-baseline', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('local_assets');
      open.result.createObjectStore('upload_queue');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const handles = window.__benchHandles;
  const t0 = performance.now();
  const now = Date.now();
  const files = await Promise.all(handles.map((handle) => handle.getFile()));
  const tx = db.transaction(['local_assets', 'upload_queue'], 'readwrite');
  const assets = tx.objectStore('local_assets');
  const queue = tx.objectStore('upload_queue');
  files.forEach((file, index) => {
    const id = `${now.toString(16)}-${index.toString(16)}-${Math.floor(Math.random() * 1e12).toString(16)}-${file.size}`;
    assets.put(handles[index], id);
    queue.put({
      id, name: file.name, size: file.size, modifiedAtMs: file.lastModified, queuedAtMs: now,
      state: 'pending', source: { kind: 'handle' },
    }, id);
  });
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  const ms = performance.now() - t0;
  db.close();
  return { ms, queued: files.length };
}

/** Runs in the page: asks the worker for its state and resolves once it answers. */
async function wakeWorker() {
  await new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', ({ data }) => {
      if (data?.method === 'updateNotification') resolve();
    });
    navigator.serviceWorker.controller.postMessage({ method: 'updateNotification' });
  });
}

/**
 * Runs in the page: clicks Back up; resolves with the ms from the click to the first file done
 * and from there to file `files` done, then sends Stop.
 */
async function runFirstFiles({ files }) {
  let first = null;
  const done = new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', ({ data }) => {
      if (!data || typeof data !== 'object') return;
      const completed = data.method === 'updateNotification' ? data.args?.state?.completedCount ?? 0 : 0;
      if (completed >= 1 && first === null) first = performance.now();
      if (completed >= files) resolve(performance.now());
      if (data.method === 'systemStop') resolve(null);
    });
  });
  const t0 = performance.now();
  document.getElementById('backup-start').click();
  const end = await done;
  navigator.serviceWorker.controller.postMessage({ method: 'stop' });
  if (end === null || first === null) return null;
  return { firstMs: first - t0, filesMs: end - first };
}

const env = await startOnDisk();
try {
  await env.open();
  const { error } = await env.login();
  if (error) throw new Error(`connect failed: ${error}`);
  const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
  await env.page.evaluate(installFileContent);
  const bytes = await env.page.evaluate(makeFiles, { count: COUNT, perFolder: PER_FOLDER, root: ROOT_FOLDER });
  console.log(`scale: ${COUNT} files of 1-4 KB (${(bytes / 1e6).toFixed(0)} MB) in the origin-private file system, fresh on-disk profile`);
  const ours = await env.page.evaluate(queueOurs);
  const baseline = await env.page.evaluate(queueBaseline);
  for (const side of [ours, baseline]) {
    if (side.queued !== COUNT) throw new Error(`queued ${side.queued} of ${COUNT}`);
  }
  console.log(`  queueing their handles: enqueueFileHandles ${sec(ours.ms)}; baseline (JavaScript: getFile() of each, all at once,`
    + ` then the same rows and handles put in one transaction) ${sec(baseline.ms)}; ratio ${(ours.ms / baseline.ms).toFixed(2)} (aim: at most 1.5)`);
  const state = await env.uploadState();
  if (state.totalCount !== COUNT) throw new Error(`the queue holds ${state.totalCount} of ${COUNT}`);

  // The worker stops when idle (the queueing took a minute): woken first, so that the target
  // attached to is the one that runs the backup.
  await env.page.evaluate(wakeWorker);
  const session = await workerSession(env);
  const stopSampling = sampleHeap(session);
  if (DEBUG) {
    // from the page and the test server, not the worker: whether the run goes on meanwhile
    const t0 = Date.now();
    setInterval(async () => {
      const state = await env.page.evaluate(() => window.__channel.at(-1)?.args?.state).catch((e) => String(e));
      const requests = await env.requests().catch(() => ({}));
      console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: last progress ${JSON.stringify(state)},`
        + ` ${requests['POST /api/assets'] ?? 0} uploads at the server`);
    }, 3000).unref();
  }
  const run = await env.page.evaluate(runFirstFiles, { files: RUN_FILES });
  if (run === null) throw new Error(`the run ended before ${RUN_FILES} files were done`);
  const stop = await env.waitForStop(1);
  if (stop.args.reason !== 'stoppedByUser') throw new Error(`the run ended "${stop.args.reason}": ${stop.args.message}`);
  const heap = await stopSampling();
  // Read once the run is over and the worker quiet: Runtime.queryObjects sent while the run
  // ended crashed the renderer in three of five runs. The wasm memory never shrinks.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const wasm = await wasmMemories(session);
  await session.detach();
  console.log(`  Back up with ${COUNT} queued: first file done after ${sec(run.firstMs)}; files 1-${RUN_FILES} then took`
    + ` ${sec(run.filesMs)} (${(RUN_FILES / (run.filesMs / 1000)).toFixed(0)} files/s)`);
  const wasmBytes = Math.max(...wasm);
  console.log(`  service worker memory during it: wasm memory ${mib(wasmBytes)}, JS heap peak ${mib(heap.used)},`
    + ` together ${mib(wasmBytes + heap.used)} (aim: below 64 MiB); embedder heap peak ${mib(heap.embedder)}`);
} finally {
  await env.stop();
}
