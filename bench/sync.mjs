// Benchmark (d): the library sync (issue 8). Each size runs on a fresh test server and a fresh
// on-disk browser profile, the page same-origin with the server (serve-www forwarding /api):
//
// 1. The first sync of 100,000 assets with their exif (the test switch
//    /api/fake-immich/assets/generate makes them): from the click on Log in (email and
//    password; the login starts the sync) until the worker's syncState message with syncing
//    false, timed in the page. Baseline, in the same worker afterwards: hand-written JavaScript
//    that reads the rows the sync stored (remote_assets and remote_exif of the PWA's database
//    'immich-background', not timed) and `put`s copies, keyed the same way, into a fresh
//    database of the same two stores (remote_assets with its checksum index) in transactions of
//    the sync's mean batch (its records / the batches it committed; a batch is 500 lines or
//    300 ms, and grows while the one before is stored), one after the other; timed from the
//    first transaction to the last one's complete event. Ratio = ours / baseline (aim: at most 1.0).
// 2. A sync with nothing new: Sync now pressed several times on the synced 100,000 (after one
//    not counted), each timed in the page from the click to syncState with syncing false, the
//    page idle before each press; the median (aim: under 50 ms).
// 3. The worker's memory, the same way for 10,000 and for 100,000 assets: the DevTools protocol
//    on the service worker's target, Runtime.getHeapUsage every 100 ms during the sync (JS heap
//    used, peak; the embedder's heap and the backing stores, peaks), and the wasm linear memory
//    read at the end of the sync (a WebAssembly.Memory never shrinks: its size then is its
//    peak), found by Runtime.queryObjects on WebAssembly.Memory.prototype (sw.js exposes none).
//    Then a forced garbage collection (HeapProfiler.collectGarbage) and the heap again: what the
//    worker keeps, as against the peaks, which count garbage not yet collected.
//
// BENCH_SYNC_ASSETS (100,000) and BENCH_SYNC_SMALL (10,000) change the sizes, BENCH_SYNC_IDLE
// (5) the number of nothing-new syncs. BENCH_SYNC_QUIET_PAGE=1 hides the worker's libraryChanged
// messages from the page's own code (not from the bench's) until the sync ends, so the page does
// not read the whole mirror again while batches are stored: what those reads cost the sync is
// the difference.
// BENCH_DEBUG=1 prints every heap sample and a timeline of the worker's requests, IndexedDB
// transactions and messages during one more nothing-new sync.
import fs from 'node:fs';
import os from 'node:os';
import { EMAIL, PASSWORD } from '../tests/e2e/harness.mjs';
import { mirrorCounts } from '../tests/e2e/sync-helpers.mjs';
import { startOnDisk } from './on-disk.mjs';
import { mib, sampleHeap, wasmMemories, workerSession } from './worker-memory.mjs';

const LARGE = Number(process.env.BENCH_SYNC_ASSETS ?? 100_000);
const SMALL = Number(process.env.BENCH_SYNC_SMALL ?? 10_000);
const IDLE_RUNS = Number(process.env.BENCH_SYNC_IDLE ?? 5);
const SAMPLE_MS = 100;
const DEBUG = Boolean(process.env.BENCH_DEBUG);
const QUIET_PAGE = Boolean(process.env.BENCH_SYNC_QUIET_PAGE);

/**
 * Before the app's scripts: every message listener the page adds from now on misses
 * libraryChanged until the end of the sync (told with the syncState that ends it, so the page
 * reads the mirror then); the bench's own listeners are added with window.__benchListen.
 */
function hideLibraryChanged() {
  const container = navigator.serviceWorker;
  if (!container) return;
  const add = container.addEventListener.bind(container);
  window.__benchListen = add;
  container.addEventListener = (type, listener, options) => {
    if (type !== 'message' || typeof listener !== 'function') return add(type, listener, options);
    let hidden = false;
    return add(type, (event) => {
      const method = event.data?.method;
      if (method === 'libraryChanged') {
        hidden = true;
        return;
      }
      if (method === 'syncState' && !event.data.args.syncing && hidden) {
        hidden = false;
        listener.call(container, new MessageEvent('message', { data: { method: 'libraryChanged' } }));
      }
      listener.call(container, event);
    }, options);
  };
}

/**
 * The machine's CPU from /proc/stat every SAMPLE_MS: how many cores were busy, on average,
 * between two wall-clock times (Date.now(), the same clock in the worker and here). Tells
 * whether the baseline leaves any core free for the sync's other work (decoding, the network,
 * the test server). Null where /proc/stat is not there.
 */
function sampleCpu() {
  const read = () => {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // idle and iowait
    return { at: Date.now(), idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
  };
  if (!fs.existsSync('/proc/stat')) return { stop() {}, coresBusy: () => null };
  const samples = [read()];
  const timer = setInterval(() => samples.push(read()), SAMPLE_MS);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    coresBusy(from, to) {
      const a = samples.findLast((s) => s.at <= from) ?? samples[0];
      const b = samples.find((s) => s.at >= to) ?? samples.at(-1);
      if (b.total === a.total) return null;
      return os.cpus().length * (1 - (b.idle - a.idle) / (b.total - a.total));
    },
  };
}


/**
 * Runs in the page: clicks `button` and resolves, at the worker's first syncState with syncing
 * false, with the milliseconds since the click, how that sync ended and how many batches it
 * reported (libraryChanged messages).
 */
function clickUntilSynced(button) {
  return new Promise((resolve) => {
    let batches = 0;
    let t0 = 0;
    const onMessage = ({ data }) => {
      if (!data || typeof data !== 'object') return;
      if (data.method === 'libraryChanged') batches++;
      if (data.method === 'syncState' && !data.args.syncing) {
        const ms = performance.now() - t0;
        navigator.serviceWorker.removeEventListener('message', onMessage);
        resolve({ ms, batches, failed: data.args.failed, message: data.args.message });
      }
    };
    (window.__benchListen ?? navigator.serviceWorker.addEventListener.bind(navigator.serviceWorker))('message', onMessage);
    // a sync that never ends (or never starts) fails the bench with what the page heard
    setTimeout(() => {
      const heard = (window.__channel ?? []).slice(-5).map((m) => JSON.stringify(m).slice(0, 200));
      const errors = [...document.querySelectorAll('.error')].map((e) => e.textContent).filter(Boolean);
      resolve({ failed: true, message: `no end of the sync in 10 minutes; the page's errors: ${errors.join(' | ')}; its last messages: ${heard.join(' ')}` });
    }, 600_000);
    t0 = performance.now();
    document.getElementById(button).click();
  });
}

/** Resolves once no sync has started for `quietMs` (a trigger during a sync runs another after it). */
async function settle(page, quietMs = 1500) {
  for (;;) {
    const before = await page.evaluate(() => window.__channel.length);
    await page.waitForTimeout(quietMs);
    const quiet = await page.evaluate((from) => {
      const since = window.__channel.slice(from).filter((m) => m.method === 'syncState');
      return since.length === 0 || !since.at(-1).args.syncing;
    }, before);
    const after = await page.evaluate(() => window.__channel.length);
    if (quiet && after === before) return;
    if (quiet) continue; // messages came (a sync ended meanwhile): wait once more
    await page.waitForFunction((from) => {
      const since = window.__channel.slice(from).filter((m) => m.method === 'syncState');
      return since.length > 0 && !since.at(-1).args.syncing;
    }, before, { timeout: 600_000, polling: 100 });
  }
}

/**
 * Runs in the page: resolves once the page shows `count` photos and has not written its counts
 * line for `quietMs` (the page reads the whole mirror again after the end of a sync, seconds on
 * a large library: the baseline is not to share the machine with that read).
 */
function pageSettled({ count, quietMs }) {
  const counts = document.getElementById('library-counts');
  return new Promise((resolve, reject) => {
    let timer;
    const check = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!counts.textContent.startsWith(`${count} photos`)) return;
        observer.disconnect();
        resolve();
      }, quietMs);
    };
    const observer = new MutationObserver(check);
    observer.observe(counts, { childList: true, characterData: true, subtree: true });
    check();
    setTimeout(() => reject(new Error(`the page still shows "${counts.textContent}" after 2 minutes`)), 120_000);
  });
}

/**
 * Runs in the service worker: the hand-written baseline. Reads the mirror's asset and exif rows
 * with their keys (not timed), then puts copies into a fresh database of the same two stores,
 * `batch` records a transaction in the stream's order (the assets, then their exif), each
 * transaction committed before the next starts.
 */
async function baselinePuts({ batch, name }) {
  const request = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const done = (tx) => new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });
  const source = await request(indexedDB.open('immich-background'));
  const stores = ['remote_assets', 'remote_exif'];
  const records = [];
  const read = source.transaction(stores);
  for (const store of stores) {
    const [keys, values] = await Promise.all([
      request(read.objectStore(store).getAllKeys()),
      request(read.objectStore(store).getAll()),
    ]);
    for (let i = 0; i < keys.length; i++) records.push([store, keys[i], values[i]]);
  }
  source.close();
  await request(indexedDB.deleteDatabase(name));
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore('remote_assets').createIndex('checksum', 'checksum');
    opening.result.createObjectStore('remote_exif');
  };
  const target = await request(opening);
  const startedAt = Date.now();
  const t0 = performance.now();
  for (let at = 0; at < records.length; at += batch) {
    const tx = target.transaction(stores, 'readwrite');
    for (const [store, key, value] of records.slice(at, at + batch)) tx.objectStore(store).put(value, key);
    await done(tx);
  }
  const ms = performance.now() - t0;
  const endedAt = Date.now();
  target.close();
  await request(indexedDB.deleteDatabase(name));
  return { ms, records: records.length, batch, startedAt, endedAt };
}

/**
 * Runs in the page: presses Sync now `runs` times; the milliseconds of each, from the click to
 * the syncState that ends it, the page idle before each press. A sync that wrote nothing leaves
 * the page's view as it was: a read of the mirror after one is an error.
 */
async function nothingNewSyncs(runs) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const counts = document.getElementById('library-counts');
  const button = document.getElementById('sync-now');
  let rendered = 0;
  new MutationObserver(() => { rendered++; }).observe(counts, { childList: true, characterData: true, subtree: true });
  const times = [];
  for (let i = 0; i < runs; i++) {
    while (button.disabled) await sleep(20);
    await sleep(300);
    const started = performance.now();
    let batches = 0;
    const ended = await new Promise((resolve) => {
      const onMessage = ({ data }) => {
        if (data?.method === 'libraryChanged') batches++;
        if (data?.method === 'syncState' && !data.args.syncing) {
          navigator.serviceWorker.removeEventListener('message', onMessage);
          resolve(data.args);
        }
      };
      (window.__benchListen ?? navigator.serviceWorker.addEventListener.bind(navigator.serviceWorker))('message', onMessage);
      button.click();
    });
    times.push(performance.now() - started);
    if (ended.failed) throw new Error(`a nothing-new sync failed: ${ended.message}`);
    if (batches) throw new Error(`a nothing-new sync committed ${batches} batch(es)`);
  }
  await sleep(1000);
  if (rendered) throw new Error(`the page read the mirror again ${rendered} time(s) after syncs that wrote nothing`);
  return times;
}

/** Runs in the page: how long the library view (the whole mirror read and shaped) takes. */
async function libraryViewMs() {
  const ib = await import(new URL('pkg/immich_background.js', location.href).href);
  const started = performance.now();
  await ib.libraryView();
  return performance.now() - started;
}

/**
 * BENCH_DEBUG: one more nothing-new sync with the worker's fetch, IndexedDB transactions, Web
 * Locks and messages to pages wrapped (Runtime.evaluate in the worker) to log when each starts;
 * resolves with the lines, in ms since the first.
 */
async function nothingNewTimeline(env, session) {
  const instrument = () => {
    const log = [];
    self.__benchLog = log;
    const at = (what) => log.push([performance.now(), what]);
    const fetch = self.fetch.bind(self);
    self.fetch = (request, init) => {
      const name = String(request.url ?? request).split('/api').pop();
      at(`fetch ${name}`);
      return fetch(request, init).then((response) => { at(`  answer ${name}: ${response.status}`); return response; });
    };
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, options) {
      const names = [].concat(stores);
      const name = names.length > 3 ? `${names.length} stores` : names.join(', ');
      at(`IndexedDB ${mode ?? 'readonly'} transaction: ${name}`);
      const tx = transaction.call(this, stores, mode, options);
      tx.addEventListener('complete', () => at(`  complete: ${name}`));
      return tx;
    };
    const request = LockManager.prototype.request;
    LockManager.prototype.request = function (name, ...rest) { at(`lock ${name}`); return request.call(this, name, ...rest); };
    const post = Client.prototype.postMessage;
    Client.prototype.postMessage = function (message, ...rest) { at(`post ${message?.method}`); return post.call(this, message, ...rest); };
  };
  await session.send('Runtime.evaluate', { expression: `(${instrument})()` });
  const [ms] = await env.page.evaluate(nothingNewSyncs, 1);
  const { result } = await session.send('Runtime.evaluate', { expression: 'JSON.stringify(self.__benchLog)', returnByValue: true });
  const log = JSON.parse(result.value);
  const t0 = log[0]?.[0] ?? 0;
  return [`one more nothing-new sync, ${ms.toFixed(0)} ms in the page; in the worker:`,
    ...log.map(([t, what]) => `${(t - t0).toFixed(1).padStart(7)} ms  ${what}`)];
}

/**
 * First sync of `count` generated assets; with `more`, the baseline and the nothing-new syncs.
 * `done(result)` is called before the clean-up (removing 100,000 files takes a while).
 */
async function firstSync(count, { more, done = () => {} }) {
  let last = performance.now();
  const phase = (what) => {
    if (DEBUG) console.log(`  [${n(count)}] ${what}: ${sec(performance.now() - last)}`);
    last = performance.now();
  };
  const env = await startOnDisk({ initScripts: QUIET_PAGE ? [hideLibraryChanged] : [] });
  phase('start');
  try {
    const t = performance.now();
    const made = await env.api('/api/fake-immich/assets/generate', { method: 'POST', body: { email: EMAIL, count } });
    if (made.count !== count) throw new Error(`generated ${made.count} of ${count}`);
    const generateMs = performance.now() - t;
    phase('generate');
    await env.open();
    const session = await workerSession(env);
    const wasmBefore = await wasmMemories(session);
    await env.page.fill('#server-url', env.pageServerUrl);
    await env.page.fill('#email', EMAIL);
    await env.page.fill('#password', PASSWORD);
    const stopSampling = sampleHeap(session, { debug: DEBUG });
    const cpu = sampleCpu();
    const syncStartedAt = Date.now();
    const synced = await env.page.evaluate(clickUntilSynced, 'login');
    const syncEndedAt = Date.now();
    const heap = await stopSampling();
    // After its end the sync still polls the server's details; Runtime.queryObjects sent during
    // those polls went unanswered in about half of the runs, a second later in none of six
    // (the wasm memory never shrinks, so its size a second later is the same peak).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const wasmAfter = await wasmMemories(session);
    // what stays once garbage is collected: the peaks above count garbage not yet collected
    await session.send('HeapProfiler.collectGarbage');
    const retained = await session.send('Runtime.getHeapUsage');
    if (synced.failed) throw new Error(`the sync failed: ${synced.message}`);
    phase('first sync');
    const counts = await mirrorCounts(env.page);
    if (counts.remote_assets !== count || counts.remote_exif !== count) {
      throw new Error(`the mirror holds ${counts.remote_assets} assets and ${counts.remote_exif} exif of ${count}`);
    }
    const result = { count, generateMs, synced, heap, retained, wasmBefore, wasmAfter };
    result.syncCores = cpu.coresBusy(syncStartedAt, syncEndedAt);
    if (more) {
      await settle(env.page);
      await env.page.evaluate(pageSettled, { count, quietMs: 2000 + count / 20 });
      phase('settle');
      const worker = env.context.serviceWorkers()[0];
      const batch = Math.round((2 * count) / Math.max(1, synced.batches));
      result.baseline = await worker.evaluate(baselinePuts, { batch, name: 'bench-baseline' });
      if (result.baseline.records !== 2 * count) throw new Error(`the baseline put ${result.baseline.records} records`);
      result.baselineCores = cpu.coresBusy(result.baseline.startedAt, result.baseline.endedAt);
      phase('baseline (with its reads and deletes)');
      await env.page.evaluate(nothingNewSyncs, 1); // not counted: the first after the baseline's writes
      result.idle = await env.page.evaluate(nothingNewSyncs, IDLE_RUNS);
      phase(`${IDLE_RUNS} nothing-new syncs`);
      result.viewMs = await env.page.evaluate(libraryViewMs);
      if (DEBUG) console.log((await nothingNewTimeline(env, session)).map((line) => `  ${line}`).join('\n'));
    }
    cpu.stop();
    await session.detach();
    done(result);
    return result;
  } finally {
    await env.stop();
    phase('stop');
  }
}

const n = (x) => x.toLocaleString('en-US');
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function print(small, large) {
  const records = 2 * LARGE;
  const perSecond = (ms) => `${(records / (ms / 1000)).toFixed(0)} records/s`;
  console.log(`sync: first sync of ${n(LARGE)} assets with their exif (${n(records)} records) into IndexedDB,`
    + ' headless Chromium with an on-disk profile, the test server same-origin'
    + (QUIET_PAGE ? ' (BENCH_SYNC_QUIET_PAGE: the page told of batches only at the end)' : ''));
  console.log(`  PWA (service worker): ${sec(large.synced.ms)} from Log in to the end of the sync`
    + ` (${large.synced.batches} batches, ${perSecond(large.synced.ms)})`);
  console.log(`  baseline (JavaScript in the same worker puts the rows the sync stored, ${n(large.baseline.batch)} a`
    + ' transaction, the sync\'s mean batch):'
    + ` ${sec(large.baseline.ms)} (${perSecond(large.baseline.ms)})`);
  console.log(`  ratio PWA / baseline: ${(large.synced.ms / large.baseline.ms).toFixed(2)} (aim: at most 1.0)`);
  if (large.syncCores !== null && large.baselineCores !== null) {
    console.log(`  the machine's cores busy on average (of ${os.cpus().length}): ${large.syncCores.toFixed(2)} during the PWA's sync`
      + ` (Chromium, the test server and serve-www's proxy), ${large.baselineCores.toFixed(2)} during the baseline's puts`);
  }
  console.log(`  nothing-new sync (Sync now on the ${n(LARGE)}, the page idle, ${IDLE_RUNS} times): median`
    + ` ${median(large.idle).toFixed(0)} ms (${large.idle.map((ms) => ms.toFixed(0)).join(', ')}; aim: under 50 ms)`);
  console.log(`  for reference: the page's library view (the whole mirror read and shaped) of the ${n(LARGE)} takes`
    + ` ${sec(large.viewMs)}; while batches are stored the page reads it at most once a second and at most a tenth`
    + ' of the time, once at the end of a sync that stored any, never after one that stored none');
  console.log('  worker memory during a first sync (DevTools protocol on the worker: heap sampled every'
    + ` ${SAMPLE_MS} ms; wasm memory, which never shrinks, at the start and the end):`);
  for (const run of [small, large]) {
    console.log(`    ${n(run.count).padStart(7)} assets (sync ${sec(run.synced.ms)}): JS heap peak ${mib(run.heap.used)},`
      + ` wasm memory ${run.wasmBefore.map(mib).join('+')} -> ${run.wasmAfter.map(mib).join('+')};`
      + ` embedder (Blink) heap peak ${mib(run.heap.embedder)}, ArrayBuffer backing stores peak ${mib(run.heap.backing)};`
      + ` after a forced GC: JS ${mib(run.retained.usedSize)}, embedder ${mib(run.retained.embedderHeapUsedSize ?? 0)}`);
  }
  console.log(`  (test server set-up, not measured: ${n(SMALL)} assets generated in ${sec(small.generateMs)},`
    + ` ${n(LARGE)} in ${sec(large.generateMs)})`);
}

const small = await firstSync(SMALL, { more: false });
await firstSync(LARGE, { more: true, done: (large) => print(small, large) });
