// Errors told as the mobile app tells them, against a server that fails on purpose (fake-immich's
// fault injection): the error notification appears once the uploads failed in a row pass
// uploadErrorNotificationGracePeriod, once per streak, and gives way to the progress notification
// when an upload succeeds; a 429 or 503 with Retry-After holds every upload for that long; a 401
// ends the run `unauthorized` and the page asks to log in again. One upload at a time
// (parallelUploads 1, kept for every test here): each answer comes before the next upload goes,
// so the tests can count failures in a row and see the gap a wait leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';
import {
  addFault, clearFaults, notifications, readLogs, saveSettings, uploadsSeen, waitFor, waitForText,
} from './service-helpers.mjs';

// Every upload that reaches the store takes a while, so the run is still going after a streak.
const env = startForTests({ uploadDelayMs: 300 });

const ERROR_TAG = 'immich-backup-error';
const FAILED = 'disk full (injected)';
const failuresLogged = async (page) => (await readLogs(page))
  .filter((l) => l.level === 'WARNING' && l.message.includes(`upload failed`) && l.message.includes(FAILED)).length;

test('the error notification: not within the grace period, once for the streak, gone when uploads succeed', { timeout: 150_000 }, async () => {
  const { page } = env;
  const files = photos('grace', 10);
  await env.openWithQueued(files);
  await saveSettings(page, { uploadErrorNotificationGracePeriod: 2, parallelUploads: 1 });
  // two quick failures, then two held for a while before they fail: time to look in between
  await addFault(env, { status: 500, count: 2, message: FAILED });
  await addFault(env, { status: 500, count: 2, delayMs: 5_000, message: FAILED });

  await page.click('#backup-start');
  await waitFor(async () => (await failuresLogged(page)) === 2, { message: 'two failed uploads logged' });
  await waitFor(async () => (await env.requests()).faultsApplied === 3, { message: 'the third upload on its way' });
  assert.deepEqual(await notifications(page, ERROR_TAG), [], 'no error notification within the grace period');

  const [shown] = await waitFor(async () => {
    const shownNow = await notifications(page, ERROR_TAG);
    return shownNow.length > 0 && shownNow;
  }, { timeout: 20_000, message: 'the error notification after the 3rd failure' });
  assert.equal(await failuresLogged(page), 3, 'shown at the third failure, before the fourth');
  assert.match(shown.body, /3 uploads failed in a row/, shown.body);
  assert.ok(shown.body.includes(FAILED), `it quotes the server: ${shown.body}`);

  await waitFor(async () => (await failuresLogged(page)) === 4, { timeout: 20_000, message: 'the fourth failure logged' });
  const again = await notifications(page, ERROR_TAG);
  assert.deepEqual(again, [shown], 'the same notification, not shown again for the fourth failure');

  // the next upload succeeds: the error notification closes, the progress one is back
  const progress = await waitFor(async () => {
    const all = await notifications(page);
    return !all.some((n) => n.tag === ERROR_TAG) && all.find((n) => n.tag === 'immich-backup-total');
  }, { timeout: 20_000, interval: 50, message: 'the error notification closed' });
  assert.match(progress.body, /^Uploading photo \d+ of 10$/, `the progress notification while the run goes: ${progress.body}`);

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal(stop.args.message, 'Backed up 10 photos');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  assert.equal(await uploadsSeen(env), 14, 'each file once, and the four failed tries');
  assert.deepEqual(await notifications(page, ERROR_TAG), [], 'no error notification after the run');
});

/**
 * Polls the server's counts until `uploads` uploads arrived after the first `from`; resolves
 * with the time each was seen.
 */
async function uploadTimes(from, uploads) {
  const times = [];
  let seen = from;
  await waitFor(async () => {
    const now = await uploadsSeen(env);
    for (; seen < now; seen++) times.push(Date.now());
    return times.length >= uploads;
  }, { timeout: 60_000, interval: 50, message: () => `${uploads} uploads, seen at ${JSON.stringify(times)}` });
  return times;
}

test('Retry-After on a 429 and a 503: no upload for 3 s each time, then every file once', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('wait', 4);
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  const before = await uploadsSeen(env);
  await addFault(env, { status: 429, retryAfter: '3', message: 'slow down (injected)' });
  await addFault(env, { status: 503, retryAfter: '3', message: 'busy (injected)' });

  await page.click('#backup-start');
  // uploads: the 429, the 503 (the same file again), then the four files
  const times = uploadTimes(before, 6);
  times.catch(() => {}); // awaited below; a timeout is reported there
  await waitForText(page, '#status', /The server asked to wait/);
  const [asked429, asked503, next] = await times;
  // Seen by polling every 50 ms, each time late by up to a poll: 3 s less a margin.
  assert.ok(asked503 - asked429 >= 2_500, `the 429's wait kept: ${asked503 - asked429} ms`);
  assert.ok(next - asked503 >= 2_500, `the 503's wait kept: ${next - asked503} ms`);
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  assert.equal(await uploadsSeen(env), before + 6, 'each file once, and the two asked to wait');
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, `waiting is not failing: ${JSON.stringify(state)}`);
  assert.deepEqual(await notifications(page, ERROR_TAG), [], 'no error notification for a wait');
});

test('a 401 on an upload ends the run unauthorized and asks to log in again', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('refused', 3);
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  await addFault(env, { status: 401, message: 'Invalid API key (injected)' });

  await page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'unauthorized', JSON.stringify(stop));
  await waitForText(page, '#backup-error', /log in again/i);
  assert.equal(await page.isVisible('#backup-error'), true);
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, `the file is spared: ${JSON.stringify(state)}`);
  await waitForText(page, '#backup-failing', /Backups have been failing since/);

  // logged in again (the key was fine all along): the same files go, and failing is over
  await clearFaults(env);
  const { error } = await env.login();
  assert.equal(error, '');
  await page.click('#backup-start');
  const second = await env.waitForStop(2);
  assert.equal(second.args.reason, 'completed', JSON.stringify(second));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  await page.waitForFunction(() => document.getElementById('backup-failing').hidden, null, { timeout: 15_000 })
    .catch(async () => assert.fail(`#backup-failing stays: ${await page.textContent('#backup-failing')}`));
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
