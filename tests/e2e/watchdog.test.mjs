// The browser stops the service worker mid-run while the page stays open (as Chromium does to an
// event that runs 5 minutes): the page notices the silence and wakes it; the run completes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, sha1, randomFile, randomSize } from './harness.mjs';

let env;
before(async () => {
  env = await start({ uploadDelayMs: 300 });
});
after(async () => {
  await env?.stop();
});

test('a worker stopped mid-run is woken by the open page and finishes', { timeout: 120_000 }, async () => {
  const { page, context } = env;
  const files = Array.from({ length: 10 }, (_, i) => ({
    name: `watchdog-${i}.jpg`,
    buffer: randomFile(randomSize(20_000, 80_000)),
  }));

  await env.open();
  assert.equal((await env.login()).error, '');
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  await page.waitForFunction(
    () => window.__channel.some((m) => m.method === 'updateNotification' && m.args?.state?.completedCount >= 2),
    null, { timeout: 60_000, polling: 50 },
  );

  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  const killed = await env.uploadState();
  assert.ok(killed.completedCount < 10, `the worker was stopped mid-run: ${JSON.stringify(killed)}`);

  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 90_000, polling: 200 });
  const channel = await env.channel();
  assert.equal(channel.filter((m) => m.method === 'initialized').length, 2, 'the run started again in a new worker');
  assert.equal(channel.find((m) => m.method === 'systemStop').args.reason, 'completed');
  const final = await env.uploadState();
  assert.deepEqual([final.completedCount, final.failedCount], [10, 0], JSON.stringify(final));
  assert.equal((await env.statistics()).total, 10, 'each file once on the server');
  const known = await env.checkChecksums(files.map((f) => sha1(f.buffer)));
  assert.ok(Object.values(known).every((r) => r?.reason === 'duplicate'), JSON.stringify(known));
});
