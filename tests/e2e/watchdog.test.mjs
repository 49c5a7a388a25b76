// The browser stops the service worker mid-run while the page stays open (as Chromium does to an
// event that runs 5 minutes): the page notices the silence and wakes it; the run completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos, assertSentOnce } from './harness.mjs';

const env = startForTests({ uploadDelayMs: 300 });

test('a worker stopped mid-run is woken by the open page and finishes', { timeout: 120_000 }, async () => {
  const files = photos('watchdog', 10);
  await env.openWithQueued(files);
  await env.backUpUntil(2);
  await env.stopWorker();
  const killed = await env.uploadState();
  assert.ok(killed.completedCount < 10, `the worker was stopped mid-run: ${JSON.stringify(killed)}`);

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const channel = await env.channel();
  assert.equal(channel.filter((m) => m.method === 'initialized').length, 2, 'the run started again in a new worker');
  const final = await env.uploadState();
  assert.deepEqual([final.completedCount, final.failedCount], [10, 0], JSON.stringify(final));
  assert.equal((await env.statistics()).total, 10, 'each file once on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  await assertSentOnce(env, files.map((f) => f.buffer), 1, 'the stop');
});
