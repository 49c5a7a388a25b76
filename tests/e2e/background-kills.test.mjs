// A backup with no page open survives a worker the browser stops again and again: started by
// Back up with background backup on, then the page closed; the worker stopped 20 times at random
// points (DevTools protocol), each time woken again by a dispatched Background Sync. Every file
// ends on the server exactly once, none failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';
import { waitFor, saveSettings, uploadsSeen } from './service-helpers.mjs';
import { workerControl, originPages, seededRandom } from './background-helpers.mjs';

const env = startForTests({ uploadDelayMs: 250 });

const FILES = 100;
const KILLS = 20;
const SEED = Number(process.env.E2E_SEED ?? Date.now() % 1_000_000);
const QUIET_MS = 1_000;

/**
 * Waits until the server has had no upload in flight and none arriving for QUIET_MS; resolves
 * with the uploads seen. An upload cut off by a kill may still be on its way for a moment after
 * the browser says the worker stopped (its network service, the proxy), and fake-immich sleeps
 * --upload-delay-ms before it reads a body, so it stays in flight there, its sender gone. The
 * wake-up waits for it: sameFileConcurrent then counts only uploads from live senders.
 */
async function quiet(kill) {
  let last = null;
  let since = Date.now();
  const settled = await waitFor(async () => {
    const counts = await env.requests();
    const now = { seen: counts['POST /api/assets'] ?? 0, inFlight: counts.uploadsInFlight };
    if (!last || now.seen !== last.seen || now.inFlight !== 0) {
      last = now;
      since = Date.now();
      return null;
    }
    return Date.now() - since >= QUIET_MS ? now : null;
  }, { timeout: 15_000, interval: 25, message: `kill ${kill}: the cut-off upload ended at the server` });
  return settled.seen;
}

test('stopped 20 times with no page open, woken by sync events: every file once', { timeout: 240_000 }, async () => {
  const random = seededRandom(SEED);
  const files = photos('kill', FILES, { min: 5_000, max: 30_000 });
  await env.openWithQueued(files);
  // One upload at a time: the kill points below count on the cut-off upload going first, alone.
  await saveSettings(env.page, { backgroundBackup: true, parallelUploads: 1 });
  const control = await workerControl(env);
  await env.page.click('#backup-start');
  await waitFor(async () => (await uploadsSeen(env)) >= 2, { timeout: 30_000, interval: 50, message: 'the run started' });
  await env.page.close();
  assert.equal(originPages(env).length, 0, 'no page of the origin is open');

  const schedule = [];
  let previousArrivals = 2;
  let base = await uploadsSeen(env);
  for (let kill = 1; kill <= KILLS; kill++) {
    // A kill point: after 0-3 new uploads reached the server, then 0-600 ms more (hashing, a
    // check, an upload on its way, or the worker still starting). An upload cut off by a kill
    // is the first one sent when the run goes on, and the next starts only once it is answered:
    // two kills in a row before a second new upload could cut one file three times, which fails
    // it by design (uploadInterruptionLimit 3: seen with kills 250-400 ms after each wake-up).
    const minimum = previousArrivals < 2 ? 2 : 0;
    const target = minimum + Math.floor(random() * (4 - minimum));
    const jitterMs = Math.floor(random() * 600);
    await waitFor(async () => (await uploadsSeen(env)) - base >= target,
      { timeout: 60_000, interval: 25, message: `kill ${kill}: ${target} new uploads` });
    await new Promise((r) => setTimeout(r, jitterMs));
    const stopAsked = Date.now();
    await control.stop();
    const stopMs = Date.now() - stopAsked;
    const atStop = await uploadsSeen(env);
    previousArrivals = atStop - base;
    const entry = { kill, target, jitterMs, arrivals: previousArrivals, uploadsAtStop: atStop, stopMs };
    schedule.push(entry);
    base = await quiet(kill);
    entry.settledMs = Date.now() - stopAsked;
    await control.sync();
    entry.sameFileConcurrent = (await env.requests()).sameFileConcurrent;
  }
  console.log(`seed ${SEED} (E2E_SEED repeats it); kills: ${JSON.stringify(schedule)}`);
  assert.ok(schedule[KILLS - 1].uploadsAtStop < FILES, `the last kill came before the end of the backup: ${JSON.stringify(schedule)}`);

  await waitFor(async () => (await env.statistics()).total === FILES,
    { timeout: 120_000, interval: 500, message: `all ${FILES} files on the server` });
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const counts = await env.requests();
  assert.ok(counts['POST /api/assets'] <= FILES + KILLS, `each file sent once, a cut-off one again: ${counts['POST /api/assets']}`);
  assert.equal(counts.sameFileConcurrent, 0, 'no file sent twice at the same time');
  assert.equal(counts.maxConcurrentUploads, 1, 'one upload at a time');

  // A page opened afterwards: every file backed up, none failed.
  env.page = await env.openNewPage();
  const state = await waitFor(async () => {
    const s = await env.uploadState();
    return s.completedCount + s.failedCount >= FILES && s;
  }, { timeout: 30_000, interval: 200, message: 'the queue shows the backup finished' });
  assert.equal(state.failedCount, 0, JSON.stringify(state));
  assert.equal(state.completedCount, FILES, JSON.stringify(state));
  await control.detach();
});
