// Worker updates in the middle of a 200-file backup that runs with no page open. Chromium never
// lets two versions run the backup side by side, in two ways seen here:
// - the run holds an event of the old version (the Back up message): the new version, installed,
//   waits (skipWaiting notwithstanding) while the old one's run goes on alone; when the browser
//   ends the old worker (as at its event time limit), the new one activates and its wake-up
//   (activate) goes on with the run;
// - the run holds no event (started by that activate wake-up): the next version activates at
//   once and Chromium stops the running one itself; the new activate wake-up and a Background
//   Sync at the same moment go on with one run.
// Every file ends on the server exactly once and the server never has two uploads of one file in
// flight at once. (Two instances running at the same time, where the Web Lock alone keeps their
// runs apart, are one-runner.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';
import { waitFor, saveSettings, uploadsSeen } from './service-helpers.mjs';
import { workerControl, originPages } from './background-helpers.mjs';

const env = startForTests({ uploadDelayMs: 60, swRevision: 1 });

const FILES = 200;

test('new worker versions installed mid-run with no page open: every file once, never two at once', { timeout: 180_000 }, async () => {
  const files = photos('update', FILES, { min: 5_000, max: 20_000 });
  await env.openWithQueued(files);
  // One upload at a time, so that two versions running side by side would show on the server.
  await saveSettings(env.page, { backgroundBackup: true, parallelUploads: 1 });
  const control = await workerControl(env);
  const [v1] = control.versions();
  assert.equal(v1.status, 'activated', JSON.stringify(control.versions()));
  const seen = new Set([v1.versionId]);
  /** A new sw.js (its revision line changed) and the browser's update check. */
  const install = async (revision) => {
    env.setSwRevision(revision);
    await control.update();
    await control.waitFor((vs) => vs.some((v) => !seen.has(v.versionId) && ['installed', 'activated'].includes(v.status)),
      `version ${revision} installed`, 60_000);
    const fresh = control.versions().find((v) => !seen.has(v.versionId));
    seen.add(fresh.versionId);
    return fresh.versionId;
  };
  const ranAfter = (versionId, at) => control.history.some((h) => h.versionId === versionId && h.at >= at
    && ['starting', 'running'].includes(h.runningStatus));

  await env.page.click('#backup-start');
  await waitFor(async () => (await uploadsSeen(env)) >= 2, { timeout: 30_000, interval: 50, message: 'the run started' });
  await env.page.close();
  assert.equal(originPages(env).length, 0, 'no page of the origin is open');

  // 1. The run holds the old version's event: the new version waits.
  await waitFor(async () => (await uploadsSeen(env)) >= 20, { timeout: 60_000, interval: 50, message: '20 files uploaded' });
  const v2 = await install(2);
  const atInstall = await uploadsSeen(env);
  assert.ok(atInstall < FILES / 2, `version 2 came mid-run (${atInstall} of ${FILES} uploaded)`);
  await waitFor(async () => (await uploadsSeen(env)) >= atInstall + 10,
    { timeout: 60_000, interval: 20, message: '10 more uploads while version 2 waits' });
  assert.equal(control.version(v2).status, 'installed', `version 2 waits for the old one's run: ${JSON.stringify(control.versions())}`);
  await control.stopVersion(v1.versionId);
  const v1StoppedAt = Date.now();
  await control.waitFor(() => control.version(v2).status === 'activated', 'version 2 activated', 60_000);
  const atV2 = await uploadsSeen(env);

  // 2. Version 2's run holds no event: version 3 activates at once, the browser stops version 2.
  await waitFor(async () => (await uploadsSeen(env)) >= atV2 + 10,
    { timeout: 60_000, interval: 20, message: '10 uploads by version 2' });
  const v3 = await install(3);
  await control.waitFor(() => control.version(v3).status === 'activated', 'version 3 activated', 60_000);
  // A Background Sync at the same moment as version 3's activate wake-up: still one run.
  await control.sync();
  const v3ActivatedAt = Date.now();
  const atV3 = await uploadsSeen(env);
  assert.ok(atV3 < FILES - 20, `version 3 activated mid-run (${atV3} of ${FILES} uploaded)`);
  assert.equal(control.version(v2).status, 'redundant');
  assert.equal(control.version(v2).runningStatus, 'stopped', 'the browser stopped version 2 itself');

  await waitFor(async () => (await env.statistics()).total === FILES,
    { timeout: 120_000, interval: 500, message: `all ${FILES} files on the server` });
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const counts = await env.requests();
  assert.equal(counts.sameFileConcurrent, 0, 'no file sent twice at the same time');
  assert.equal(counts.maxConcurrentUploads, 1, 'one upload at a time');
  assert.ok(counts['POST /api/assets'] <= FILES + 2, `each file sent once, one cut off by each update at most twice: ${counts['POST /api/assets']}`);
  assert.ok(!ranAfter(v1.versionId, v1StoppedAt), `version 1 did not run again: ${JSON.stringify(control.history)}`);
  assert.ok(!ranAfter(v2, v3ActivatedAt), `version 2 did not run again: ${JSON.stringify(control.history)}`);
  assert.equal(control.version(v3).status, 'activated');

  env.page = await env.openNewPage();
  const state = await waitFor(async () => {
    const s = await env.uploadState();
    return s.completedCount + s.failedCount >= FILES && s;
  }, { timeout: 30_000, interval: 200, message: 'the queue shows the backup finished' });
  assert.equal(state.failedCount, 0, JSON.stringify(state));
  assert.equal(state.completedCount, FILES, JSON.stringify(state));
  console.log(`updates: version 2 installed at ${atInstall} uploads, activated at ${atV2}; version 3 at ${atV3}; ${counts['POST /api/assets']} uploads sent`);
  await control.detach();
});
