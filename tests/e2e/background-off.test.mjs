// Background backup off (the default): only Back up starts a run. The run keeps going while the
// page is hidden and across a reload; when the last page of the origin has been closed for 10 s
// it stops (pagesClosed), and a Background Sync afterwards starts nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos, waitForReady } from './harness.mjs';
import { waitFor, serviceState, readLogs, uploadsSeen } from './service-helpers.mjs';
import { workerControl, storedServiceRecord, setVisibility, originPages, backupRequests } from './background-helpers.mjs';

// Three uploads at once (the default) of 900 ms each: the run lasts about a minute.
const env = startForTests({ uploadDelayMs: 900 });

const FILES = 200;
/** How long the worker waits for a page to come back (a reload) before the run stops. */
const PAGE_RETURN_GRACE_MS = 10_000;
/** A busy machine: the tick that notices the grace is over, and the request on its way. */
const STOP_MARGIN_MS = 5_000;

const files = photos('off', FILES, { min: 3_000, max: 10_000 });
let control;

const uploads = () => uploadsSeen(env);
const stops = () => env.page.evaluate(() => window.__channel.filter((m) => m.method === 'systemStop'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a run from Back up goes on while the page is hidden and across a reload', { timeout: 120_000 }, async () => {
  const { page } = env;
  await env.openWithQueued(files);
  assert.equal(await page.isChecked('#settings-form [name=backgroundBackup]'), false, 'background backup is off by default');
  control = await workerControl(env);
  await page.click('#backup-start');
  await waitFor(async () => (await uploads()) >= 3, { timeout: 30_000, interval: 50, message: 'the run started' });

  // Hidden (switched tab, minimized): the worker hears it and the run goes on.
  await setVisibility(env.page, 'hidden');
  await waitFor(async () => {
    const r = await storedServiceRecord(env);
    return r.pagesVisible === false && r.pagesOpen === true && r;
  }, { timeout: 20_000, interval: 200, message: 'the worker knows the page is hidden' });
  const atHide = await uploads();
  await waitFor(async () => (await uploads()) >= atHide + 5, { timeout: 30_000, interval: 100, message: '5 uploads while the page is hidden' });
  assert.deepEqual(await stops(), [], 'no stop while hidden');
  await setVisibility(env.page, 'visible');

  // A reload is a page gone for a moment: longer than the grace after it, the run still goes on.
  const reloadAt = Date.now();
  await page.reload();
  await waitForReady(page);
  await waitFor(() => Date.now() >= reloadAt + PAGE_RETURN_GRACE_MS + 2_000,
    { timeout: 30_000, interval: 200, message: 'the grace after the reload passed' });
  const afterGrace = await uploads();
  await waitFor(async () => (await uploads()) > afterGrace, { timeout: 30_000, interval: 100, message: 'an upload after the grace' });
  assert.deepEqual(await stops(), [], 'the reload did not stop the run');
  const record = await storedServiceRecord(env);
  assert.equal(record.wanted, true, JSON.stringify(record));
  assert.ok(afterGrace < FILES - 40, `the run is still going for the next test (${afterGrace} of ${FILES})`);
});

test('the last page closed: the run stops within 10 s, and a sync event starts nothing', { timeout: 120_000 }, async () => {
  const closedAt = Date.now();
  await env.page.close();
  assert.equal(originPages(env).length, 0, 'no page of the origin is open');

  // Watch the uploads until the worker has settled the run, then a while longer.
  let count = await uploads();
  let lastUploadAt = closedAt;
  let settledAt = null;
  while (settledAt === null || Date.now() < settledAt + 5_000) {
    if (Date.now() > closedAt + 60_000) assert.fail(`the run did not stop within 60 s of the close (${count} uploads)`);
    const now = await uploads();
    if (now > count) {
      count = now;
      lastUploadAt = Date.now();
    }
    if (settledAt === null && (await storedServiceRecord(env)).wanted === false) settledAt = Date.now();
    await sleep(100);
  }
  const stoppedAfterMs = lastUploadAt - closedAt;
  console.log(`last upload ${stoppedAfterMs} ms after the close, run settled after ${settledAt - closedAt} ms; ${count} of ${FILES} sent`);
  assert.ok(stoppedAfterMs <= PAGE_RETURN_GRACE_MS + STOP_MARGIN_MS, `the last upload came ${stoppedAfterMs} ms after the close`);
  assert.ok(stoppedAfterMs >= PAGE_RETURN_GRACE_MS / 2, `the run went on while a page might come back (last upload ${stoppedAfterMs} ms after the close)`);
  assert.ok(count < FILES, 'files were left for a later Back up');

  // The browser stops the worker and wakes it with a Background Sync: nothing starts.
  const before = await backupRequests(env);
  await control.stop();
  await control.sync();
  await control.waitFor((vs) => vs.some((v) => v.runningStatus === 'running'), 'the worker woken by the sync');
  await sleep(5_000); // a run would have checked or uploaded by now
  assert.equal(await backupRequests(env), before, 'the sync event started nothing');
  assert.equal((await storedServiceRecord(env)).wanted, false);

  // A page opened afterwards: the run ended pagesClosed, the rest waits for Back up.
  env.page = await env.openNewPage();
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, JSON.stringify(state));
  assert.ok(state.completedCount < FILES, JSON.stringify(state));
  const logs = await readLogs(env.page);
  const stopped = logs.find((e) => e.message === 'Backup stopped: the last page closed and background backup is off.');
  assert.ok(stopped, logs.map((e) => e.message).join('\n'));
  assert.ok(stopped.atMs - closedAt >= PAGE_RETURN_GRACE_MS && stopped.atMs - closedAt <= PAGE_RETURN_GRACE_MS + STOP_MARGIN_MS,
    `stopped ${stopped.atMs - closedAt} ms after the close`);
  const service = await serviceState(env.page);
  assert.equal(service.phase, 'idle', JSON.stringify(service));
  assert.match(await env.page.textContent('#service-notes'), /Background backup is off/);
  await sleep(3_000); // the page's wake-up must not resume the stopped run either
  assert.equal(await backupRequests(env), before, 'opening a page resumed nothing');
  await control.detach();
});
