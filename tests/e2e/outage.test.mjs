// The server goes away and comes back: failed uploads and checks are retried after their
// backoff, the run completes, and every file is on the server once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';

const env = startForTests({ uploadDelayMs: 250 });

test('an outage mid-run is retried, not lost and not doubled', { timeout: 120_000 }, async () => {
  const files = photos('outage', 10);
  await env.openWithQueued(files);
  await env.backUpUntil(2);

  await env.stopServer();
  await env.page.waitForTimeout(1_500); // uploads fail meanwhile and wait for their retry
  const during = await env.uploadState();
  assert.ok(during.completedCount < 10, `the outage came mid-run: ${JSON.stringify(during)}`);
  await env.startServer();

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const final = await env.uploadState();
  assert.deepEqual([final.completedCount, final.failedCount], [10, 0], JSON.stringify(final));
  assert.equal((await env.statistics()).total, 10, 'each file once on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const logs = await env.page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.readLogs();
  });
  assert.ok(logs.some((l) => l.level === 'WARNING' && /upload failed/.test(l.message)),
    `the failed attempts are logged: ${JSON.stringify(logs.map((l) => l.message))}`);
});

test('a server that is down when the files are checked is tried again with backoff', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = (await env.statistics()).total;
  const files = photos('late', 4);
  await env.pickFiles(files);
  await env.stopServer();
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  await page.waitForTimeout(3_000); // the first check fails; the second waits 4 s more
  assert.equal(await page.evaluate(() => window.__channel.some((m) => m.method === 'systemStop')), false,
    'the run waits for the server instead of giving up');
  await env.startServer();

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal((await env.statistics()).total, before + 4);
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
});
