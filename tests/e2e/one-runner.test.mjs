// One backup run at a time per origin: messages racing each other in one worker, and two worker
// instances started at once or one after the other, never send a file twice nor lose a Start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';
import { waitFor } from './service-helpers.mjs';

/** The Web Lock a backup run holds (src/web/backup_driver). */
const RUN_LOCK = 'immich-background/backup-run';

const env = startForTests({ uploadDelayMs: 150 });

/**
 * Registers the same worker again under `scope`: another registration is another instance beside
 * the first, on the same origin's IndexedDB. Resolves once it is active; the page holds it as
 * window.__instances[scope].
 */
const addInstance = (scope) => env.page.evaluate(async (s) => {
  const registration = await navigator.serviceWorker.register('sw.js', { type: 'module', scope: s });
  while (!registration.active || registration.active.state !== 'activated') await new Promise((r) => setTimeout(r, 50));
  (window.__instances ??= {})[s] = registration.active;
}, scope);

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
  // Only the Web Lock keeps the two instances' runs apart.
  await addInstance('./second/');
  await page.evaluate(() => {
    window.__instances['./second/'].postMessage({ method: 'start' });
    navigator.serviceWorker.controller.postMessage({ method: 'start' });
  });
  await env.waitForStop(2);
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const sent = (await env.requests())['POST /api/assets'] - before;
  assert.equal(sent, 10, 'each file sent once');
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, JSON.stringify(state));
});

test('a Start sent to a new worker instance whose run waits for the other\'s still gets a run', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = (await env.requests())['POST /api/assets'];
  const files = photos('waiting', 8);
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  // The page holds the run lock, so every run waits for it, granted in the order asked.
  await page.evaluate((lock) => new Promise((held) => {
    navigator.locks.request(lock, () => {
      held();
      return new Promise((release) => { window.__releaseRunLock = release; });
    });
  }), RUN_LOCK);
  const waiting = () => page.evaluate(async (lock) => (await navigator.locks.query()).pending
    .filter((l) => l.name === lock).length, RUN_LOCK);
  await page.evaluate(() => navigator.serviceWorker.controller.postMessage({ method: 'start' }));
  await waitFor(async () => (await waiting()) === 1, { message: 'the first instance\'s run waits for the lock' });
  // A new instance (as an update brings) continues the run the first stored as wanted.
  await addInstance('./third/');
  await page.evaluate(() => { window.__third = window.__instances['./third/']; });
  await waitFor(async () => (await waiting()) === 2, { message: 'the new instance\'s run waits too' });
  // What each instance tells the page, from here on.
  await page.evaluate(() => {
    window.__heard = [];
    navigator.serviceWorker.addEventListener('message', (event) => {
      const who = event.source === window.__third ? 'third' : 'first';
      window.__heard.push({ who, method: event.data?.method, reason: event.data?.args?.reason });
    });
  });
  const heard = () => page.evaluate(() => window.__heard);
  // Its Start is merged into that waiting run; the answer says it was taken in.
  await page.evaluate(() => new Promise((answered) => {
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.source === window.__third && event.data?.method === 'serviceState') answered();
    });
    window.__third.postMessage({ method: 'start' });
  }));
  await page.evaluate(() => window.__releaseRunLock());
  // The first run sends everything. The new instance's run then finds the backup either
  // settled or still stored as wanted (the first's record may land after its lock is free):
  // either way its Start gets a run, which ends.
  await waitFor(async () => (await heard()).some((m) => m.who === 'third' && m.method === 'systemStop'),
    { timeout: 60_000, message: async () => `a run of the new instance ended: ${JSON.stringify(await heard())}` });
  await waitFor(() => page.evaluate(async (lock) => {
    const { held, pending } = await navigator.locks.query();
    return [...held, ...pending].every((l) => l.name !== lock);
  }, RUN_LOCK), { message: 'no run holds or waits for the lock' });
  const stops = (await heard()).filter((m) => m.method === 'systemStop');
  assert.ok(stops.every((m) => m.reason === 'completed'), JSON.stringify(stops));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  assert.equal((await env.requests())['POST /api/assets'] - before, 8, 'each file sent once');
});
