// An upload that the browser cuts off every time (a file too large to send within the few
// minutes one worker event may live) is not sent again for ever: after the interruption limit
// (3 by default) it fails with a reason the user can read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, waitForReady, photos } from './harness.mjs';

// Every upload takes a minute to answer: each one is still on its way when the worker dies.
const env = startForTests({ uploadDelayMs: 60_000 });

const sending = () => env.page.waitForFunction(
  () => window.__channel.some((m) => m.method === 'updateNotification' && m.args?.phase === 'uploading'),
  null, { timeout: 30_000, polling: 100 },
);

test('an upload cut off three times fails with its reason', { timeout: 180_000 }, async () => {
  const { page } = env;
  await env.openWithQueued(photos('huge', 1));
  await page.click('#backup-start');
  for (let cut = 1; cut <= 3; cut++) {
    await sending();
    await env.stopWorker();
    await page.reload(); // the page wakes the worker, which finds the upload cut off
    await waitForReady(page);
  }
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal(stop.args.message, 'Backed up 0 photos, 1 failed');
  await page.waitForFunction(
    () => /huge-00\.jpg — failed: could not be sent within the browser's time for a background upload/
      .test(document.getElementById('file-issues').textContent),
    null, { timeout: 10_000 },
  ).catch(async () => assert.fail(`#file-issues: ${await page.textContent('#file-issues')}`));
  assert.equal((await env.requests())['POST /api/assets'], 3, 'sent three times, not a fourth');
});
