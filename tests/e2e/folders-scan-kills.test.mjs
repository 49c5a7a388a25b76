// The worker stopped while it scans a backup folder of 2,000 files (as the browser may stop it at
// any time): in the middle of the walk, in the walk of the woken worker and in the pass that
// queues the files. The page's watchdog wakes it each time; the scan goes on without queueing a
// file twice, and every file reaches the server exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';
import { waitFor, uploadsSeen, addFault, clearFaults } from './service-helpers.mjs';
import { workerControl, seededRandom } from './background-helpers.mjs';
import { writeTreeParallel, addOpfsFolder, backupFolders, lastRunNumbers, countRows, counts } from './folder-helpers.mjs';

const env = startForTests();

const FILES = 2_000;
const SEED = Number(process.env.E2E_SEED ?? Date.now() % 1_000_000);

test('stopped three times while it scans 2,000 files: each queued once, each on the server once', { timeout: 240_000 }, async () => {
  console.log(`seed ${SEED} (E2E_SEED repeats it)`);
  const random = seededRandom(SEED);
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '', 'logged in');
  const { page } = env;
  const tree = {};
  for (let i = 0; i < FILES; i++) {
    tree[`d${i % 8}/s${i % 5}/IMG_${String(i).padStart(4, '0')}.jpg`] = 100 + Math.floor(random() * 900);
  }
  const sha = await writeTreeParallel(page, 'Many', tree);
  await addOpfsFolder(page, 'Many');
  const control = await workerControl(env);

  const rows = async () => ({
    entries: await countRows(page, 'folder_entries'),
    queued: await countRows(page, 'upload_queue'),
    uploads: await uploadsSeen(env),
  });
  const running = () => control.waitFor((vs) => vs.some((v) => v.runningStatus === 'running'),
    'the worker woken by the page', 30_000);
  const kills = [];
  const kill = async (what, { duringWalk = true } = {}) => {
    await control.stop();
    const at = await rows();
    kills.push({ what, ...at });
    assert.equal(at.uploads, 0, `kill ${kills.length} (${what}) came before the uploads: ${JSON.stringify(kills)}`);
    if (duringWalk) {
      assert.ok(at.queued < FILES, `kill ${kills.length} (${what}) came before the scan queued every file: ${JSON.stringify(kills)}`);
    }
  };

  const started = Date.now();
  await page.click('#backup-start');
  // 1: early in the first walk, once it recorded some of the files: the kill takes a moment to
  // land, and a walk near its end would be over (and uploading) by then on a fast run.
  const entries = 200 + Math.floor(random() * 400);
  await waitFor(async () => (await countRows(page, 'folder_entries')) >= entries,
    { timeout: 30_000, interval: 10, message: `${entries} files recorded by the walk` });
  await kill(`the walk, ${entries} files recorded`);
  // 2: a few hundred ms after the page woke the worker: its scan walks again.
  await running();
  const afterMs = 100 + Math.floor(random() * 500);
  await new Promise((r) => setTimeout(r, afterMs));
  await kill(`${afterMs} ms after the wake-up`);
  // 3: in the pass that queues the files, after its first batch. The pass is short, and on a busy
  // machine the stop may land after it: the server holds the upload checks until the kill, so no
  // file is sent before it either way, and the queue must still hold each file once at the end.
  await addFault(env, { path: '/api/assets/bulk-upload-check', delayMs: 30_000, count: 1_000 });
  await running();
  await waitFor(async () => (await countRows(page, 'upload_queue')) > 0,
    { timeout: 30_000, interval: 10, message: 'the first files queued' });
  await kill('the queueing pass', { duringWalk: false });
  await clearFaults(env);
  console.log(`kills (rows in folder_entries and upload_queue, uploads at the server when stopped): ${JSON.stringify(kills)}`);

  // Woken again by the page, the run scans, queues what is left and sends everything.
  await waitFor(async () => (await env.statistics()).total >= FILES,
    { timeout: 180_000, interval: 500, message: `all ${FILES} files on the server` });
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  console.log(`seed ${SEED}: ${FILES} files scanned and backed up in ${Date.now() - started} ms with ${kills.length} kills`);
  const known = await env.checkChecksums(Object.values(sha));
  assert.ok(Object.values(known).every((r) => r?.reason === 'duplicate'), 'every file is on the server');
  const requests = await env.requests();
  assert.equal(requests['POST /api/assets'], FILES, 'each file sent once');
  assert.equal(requests.sameFileConcurrent, 0, 'never two uploads of one file at once');
  assert.equal((await env.statistics()).total, FILES);

  // The run's numbers (the last progress message): one queue row per file.
  const state = await lastRunNumbers(page);
  assert.deepEqual([state?.totalCount, state?.completedCount, state?.failedCount], [FILES, FILES, 0],
    `one queue row per file: ${JSON.stringify(state)}`);
  assert.deepEqual([await countRows(page, 'upload_queue'), await countRows(page, 'folder_entries')], [FILES, FILES]);
  const [view] = await backupFolders(page);
  assert.deepEqual(counts(view), { files: FILES, backedUp: FILES, waiting: 0, failed: 0, skipped: 0 }, JSON.stringify(view));
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
  await control.detach();
});
