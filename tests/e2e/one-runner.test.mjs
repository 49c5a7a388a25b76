// One backup run at a time per origin: messages racing each other in one worker, and a worker
// update in the middle of a run (two worker instances), never send a file twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The update test changes sw.js under the running page: serve a copy of the build.
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'immich-dist-'));
fs.cpSync(path.resolve(import.meta.dirname, '../../dist'), copy, { recursive: true });
process.env.E2E_DIST = copy;
const { startForTests, photos } = await import('./harness.mjs');

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

test('a worker update mid-run does not start a second run beside the first', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = (await env.requests())['POST /api/assets'];
  const files = photos('update', 12);
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  await env.backUpUntil(2);
  fs.appendFileSync(path.join(copy, 'sw.js'), '\n// a new version\n');
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 90_000 });
  let state;
  const deadline = Date.now() + 60_000;
  do {
    await page.waitForTimeout(500);
    state = await env.uploadState();
  } while (state.completedCount < 12 && Date.now() < deadline);
  assert.deepEqual([state.completedCount, state.failedCount], [12, 0], JSON.stringify(state));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const sent = (await env.requests())['POST /api/assets'] - before;
  assert.ok(sent <= 13, `each file sent once, one cut off by the update at most twice: ${sent}`);
  fs.rmSync(copy, { recursive: true, force: true });
});
