// A backup survives a page reload and a killed service worker: nothing lost, nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, waitForReady, photos, assertSentOnce } from './harness.mjs';

const env = startForTests({ uploadDelayMs: 300 });

test('resumes after reload and worker stop, uploads each file exactly once', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('resume', 12, { max: 100_000 });
  await env.openWithQueued(files);
  await env.backUpUntil(3);
  const before = await env.uploadState();
  assert.ok(before.completedCount < 12, `the run ended before the reload: ${JSON.stringify(before)}`);

  // 1. the page goes away and comes back
  await page.reload();
  await waitForReady(page);

  // 2. the service worker is killed, the page comes back again
  await env.stopWorker();
  const killed = await env.uploadState();
  assert.ok(killed.completedCount < 12, `the worker was stopped mid-run: ${JSON.stringify(killed)}`);
  await page.reload();
  await waitForReady(page); // the page posts updateNotification: the worker resumes the run

  let state;
  const deadline = Date.now() + 90_000;
  for (;;) {
    state = await env.uploadState();
    if (state.totalCount === 12 && state.completedCount + state.failedCount >= 12) break;
    if (Date.now() > deadline) assert.fail(`the backup did not finish after the resume: ${JSON.stringify(state)}`);
    await page.waitForTimeout(500);
  }
  assert.equal(state.failedCount, 0, `failed after resume: ${JSON.stringify(state)}`);
  assert.equal(state.completedCount, 12);
  assert.equal((await env.statistics()).total, 12, 'each file once on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  await assertSentOnce(env, files.map((f) => f.buffer), 1, 'the kill');
  await page.waitForFunction(() => /\b12 of 12 backed up/.test(document.getElementById('total-text').textContent), null, { timeout: 10_000 })
    .catch(async () => assert.fail(`#total-text: ${await page.textContent('#total-text')}`));
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
