// Stop ends a run at once; Back up later finishes the rest, nothing twice. Each run counts its
// own files: picking the same files again shows them once, not on top of the last run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos, assertSentOnce } from './harness.mjs';

const env = startForTests({ uploadDelayMs: 300 });

test('stop, then back up again: every file once', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('stop', 8);
  await env.openWithQueued(files);
  await env.backUpUntil(2);
  await page.click('#backup-stop');
  const stopped = await env.waitForStop();
  assert.equal(stopped.args.reason, 'stoppedByUser', JSON.stringify(stopped));

  await page.waitForTimeout(500); // the upload on its way at the stop may still land
  const atStop = (await env.statistics()).total;
  assert.ok(atStop >= 2 && atStop < 8, `stopped mid-run with ${atStop} of 8 on the server`);
  await page.waitForTimeout(1_500); // a run that went on would upload about five more by now
  assert.equal((await env.statistics()).total, atStop, 'nothing is uploaded after the stop');
  const paused = await env.uploadState();
  assert.equal(paused.failedCount, 0, JSON.stringify(paused));
  assert.ok(paused.completedCount < 8, JSON.stringify(paused));

  await page.click('#backup-start');
  const second = await env.waitForStop(2);
  assert.equal(second.args.reason, 'completed', JSON.stringify(second));
  assert.equal((await env.statistics()).total, 8, 'each file once on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const final = await env.uploadState();
  assert.equal(final.failedCount, 0, JSON.stringify(final));
  assert.equal(final.completedCount, final.totalCount, `the second run's own files: ${JSON.stringify(final)}`);
  await assertSentOnce(env, files.map((f) => f.buffer), 1, 'the stop');

  await env.pickFiles(files);
  await page.click('#backup-start');
  const third = await env.waitForStop(3);
  assert.equal(third.args.reason, 'completed', JSON.stringify(third));
  await page.waitForFunction(() => document.getElementById('total-text').textContent === '8 of 8 backed up', null, { timeout: 5_000 })
    .catch(async () => assert.fail(`the same 8 files picked again: #total-text ${await page.textContent('#total-text')}`));
  assert.equal((await env.statistics()).total, 8, 'nothing new on the server');
});
