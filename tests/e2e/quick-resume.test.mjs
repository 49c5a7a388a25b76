// Quick resume: with a page open, a service worker the browser stopped mid-run is running again
// within 3 seconds (the page hears nothing for 2 s and wakes it), and the backup finishes with
// each file once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos, assertSentOnce } from './harness.mjs';
import { waitFor, uploadsSeen } from './service-helpers.mjs';
import { workerControl } from './background-helpers.mjs';

const env = startForTests({ uploadDelayMs: 300 });

/** The bound, from the stop to the first upload of the woken worker. */
const RESUME_BOUND_MS = 3_000;
const KILLS = 3;
const FILES = 30;

test('a worker stopped mid-run under an open page is running again within 3 s', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('quick', FILES, { min: 5_000, max: 20_000 });
  await env.openWithQueued(files);
  const control = await workerControl(env);
  // When each channel message arrived (the harness keeps the messages, not their times).
  await page.evaluate(() => {
    window.__heard = [];
    navigator.serviceWorker.addEventListener('message', (event) => {
      window.__heard.push({ at: Date.now(), method: event.data?.method, phase: event.data?.args?.phase });
    });
  });
  await page.click('#backup-start');

  const measured = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    await waitFor(async () => (await uploadsSeen(env)) >= kill * 6,
      { timeout: 60_000, interval: 50, message: `upload ${kill * 6} reached the server` });
    const stoppingAt = Date.now();
    await control.stop();
    // Read once the browser says the worker is stopped: an upload counted later is the new
    // instance's.
    const atStop = await uploadsSeen(env);
    const resumedAt = await waitFor(async () => (await uploadsSeen(env)) > atStop && Date.now(),
      { timeout: 30_000, interval: 50, message: `an upload after stop ${kill}` });
    const heard = await page.evaluate((since) => window.__heard.find((m) => m.at > since
      && m.method === 'updateNotification' && m.phase && m.phase !== 'idle'), stoppingAt);
    measured.push({ kill, toNextUploadMs: resumedAt - stoppingAt, toNextProgressMs: heard ? heard.at - stoppingAt : null });
  }
  console.log(`quick resume (stop -> next upload / next progress message): ${JSON.stringify(measured)}`);
  for (const m of measured) {
    assert.ok(m.toNextUploadMs <= RESUME_BOUND_MS,
      `stop ${m.kill}: the next upload came ${m.toNextUploadMs} ms after the stop (bound ${RESUME_BOUND_MS} ms): ${JSON.stringify(measured)}`);
  }

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, JSON.stringify(state));
  assert.equal(state.completedCount, FILES, JSON.stringify(state));
  assert.equal((await env.statistics()).total, FILES, 'each file once on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const counts = await env.requests();
  await assertSentOnce(env, files.map((f) => f.buffer), KILLS, 'a stop');
  assert.equal(counts.sameFileConcurrent, 0, 'no file sent twice at the same time');
  await control.detach();
});
