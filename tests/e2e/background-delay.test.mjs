// The trigger delay with background backup on: when the last page of the origin closes with files
// queued, the backup waits backupTriggerDelay (1 minute here) and then runs with no page open, on
// the browser's next wake-up (a Background Sync, dispatched through the DevTools protocol after
// the worker was stopped, as a browser that stopped it would wake it). A page that comes back
// before the delay ends cancels it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';
import { waitFor, saveSettings, serviceState, readLogs } from './service-helpers.mjs';
import { workerControl, storedServiceRecord, originPages, backupRequests } from './background-helpers.mjs';

const env = startForTests();

const DELAY_MS = 60_000;
const FILES = 50;
const files = photos('delay', FILES, { min: 10_000, max: 40_000 });
let control;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Closes the last page of the origin; resolves with the due time the worker stored. */
async function closeLastPage() {
  const closedAt = Date.now();
  await env.page.close();
  assert.equal(originPages(env).length, 0, 'no page of the origin is open');
  const record = await waitFor(async () => {
    const r = await storedServiceRecord(env);
    return typeof r?.dueAtMs === 'number' && r.dueAtMs >= closedAt + DELAY_MS - 1_000 && r;
  }, { timeout: 30_000, interval: 200, message: 'a due time one minute after the page closed, stored by the worker' });
  assert.ok(record.dueAtMs <= Date.now() + DELAY_MS, `due one minute after the close: ${JSON.stringify(record)}`);
  assert.equal(record.wanted, false, `nothing runs before the delay: ${JSON.stringify(record)}`);
  return record.dueAtMs;
}

test('a page back before the trigger delay cancels it', { timeout: 120_000 }, async () => {
  await env.openWithQueued(files);
  await saveSettings(env.page, { backgroundBackup: true, backupTriggerDelay: 1 });
  control = await workerControl(env);

  const dueAtMs = await closeLastPage();
  env.page = await env.openNewPage();
  assert.ok(Date.now() < dueAtMs, 'the page is back before the due time');
  const state = await waitFor(async () => {
    const s = await serviceState(env.page);
    return s.dueAtMs === null && s;
  }, { timeout: 20_000, interval: 200, message: 'the delay cleared in the service state' });
  assert.equal(state.phase, 'idle', JSON.stringify(state));
  assert.equal(await backupRequests(env), 0, 'nothing was checked or uploaded');
  const record = await storedServiceRecord(env);
  assert.equal(record.dueAtMs, null, JSON.stringify(record));
  assert.equal(record.wanted, false, JSON.stringify(record));
  // That the cancelled due time passes without a run is checked by the next test, whose own due
  // time comes later.
});

test('after the delay a sync event backs up everything with no page open', { timeout: 180_000 }, async () => {
  const dueAtMs = await closeLastPage();
  // The worker holds the browser's sync event open up to the due time: nothing may reach the
  // server before it (nor at the first, cancelled due time, which passes meanwhile).
  while (Date.now() < dueAtMs - 5_000) {
    assert.equal(await backupRequests(env), 0, `a backup request ${dueAtMs - Date.now()} ms before the due time`);
    await sleep(500);
  }
  // The browser stops the worker; after the due time a Background Sync wakes it.
  await control.stop();
  while (Date.now() < dueAtMs + 1_000) await sleep(200);
  assert.equal(await backupRequests(env), 0, 'nothing was sent before the wake-up');
  assert.equal(originPages(env).length, 0, 'no page of the origin is open');
  const wokenAt = Date.now();
  await control.sync();

  await waitFor(async () => (await env.statistics()).total === FILES,
    { timeout: 120_000, interval: 500, message: `all ${FILES} files on the server` });
  assert.equal(originPages(env).length, 0, 'the backup ran with no page of the origin open');
  const backedUpAt = Date.now();
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const counts = await env.requests();
  assert.equal(counts['POST /api/assets'], FILES, 'each file sent once');
  assert.equal(counts.sameFileConcurrent, 0);

  // A page opened afterwards sees the finished run.
  env.page = await env.openNewPage();
  const state = await waitFor(async () => {
    const s = await env.uploadState();
    return s.completedCount + s.failedCount >= FILES && s;
  }, { timeout: 20_000, interval: 200, message: 'the queue shows the run finished' });
  assert.equal(state.failedCount, 0, JSON.stringify(state));
  assert.equal(state.completedCount, FILES, JSON.stringify(state));
  const logs = (await readLogs(env.page)).map((e) => e.message);
  assert.ok(logs.some((m) => /The trigger delay is over .*background backup starts/.test(m)), logs.join('\n'));
  console.log(`woken ${wokenAt - dueAtMs} ms after the due time; ${FILES} files backed up ${backedUpAt - wokenAt} ms after the wake-up`);
  await control.detach();
});
