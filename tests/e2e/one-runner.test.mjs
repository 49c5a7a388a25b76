// One backup run at a time per origin: messages racing each other in one worker, and two worker
// instances started at once, never send a file twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';

const env = startForTests({ uploadDelayMs: 150 });

const initializedCount = () => env.page.evaluate(() => window.__channel.filter((m) => m.method === 'initialized').length);

test('a start racing a wake-up and a second start runs once', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('race', 6);
  await env.openWithQueued(files);
  await page.evaluate(() => {
    const worker = navigator.serviceWorker.controller;
    worker.postMessage({ method: 'start' });
    worker.postMessage({ method: 'updateNotification' });
    worker.postMessage({ method: 'start' });
  });
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  await page.waitForTimeout(1_000); // a second run would announce itself by now
  assert.equal(await initializedCount(), 1, 'one run started');
  assert.equal((await env.statistics()).total, 6);
  assert.equal((await env.requests())['POST /api/assets'], 6, 'each file sent once');
});

test('two worker instances told to start at once run one after the other', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = (await env.requests())['POST /api/assets'];
  const files = photos('twice', 10);
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  // A second registration of the same worker (another scope) is a second instance beside the
  // first, on the same origin's IndexedDB: only the Web Lock keeps their runs apart.
  await page.evaluate(async () => {
    const second = await navigator.serviceWorker.register('sw.js', { type: 'module', scope: './second/' });
    while (!second.active || second.active.state !== 'activated') await new Promise((r) => setTimeout(r, 50));
    const first = navigator.serviceWorker.controller;
    second.active.postMessage({ method: 'start' });
    first.postMessage({ method: 'start' });
  });
  await env.waitForStop(2);
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const sent = (await env.requests())['POST /api/assets'] - before;
  assert.equal(sent, 10, 'each file sent once');
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, JSON.stringify(state));
});
