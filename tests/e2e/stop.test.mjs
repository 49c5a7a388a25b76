// Stop ends a run after the request in flight; Back up later finishes the rest, nothing twice.
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

const stops = (page) => page.evaluate(() => window.__channel.filter((m) => m.method === 'systemStop'));

test('stop, then back up again: every file once', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = Array.from({ length: 8 }, (_, i) => ({
    name: `stop-${i}.jpg`,
    buffer: randomFile(randomSize(20_000, 80_000)),
  }));
  const distinct = files.map((f) => sha1(f.buffer));

  await env.open();
  assert.equal((await env.login()).error, '');
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });

  await page.click('#backup-start');
  await page.waitForFunction(
    () => window.__channel.some((m) => m.method === 'updateNotification' && m.args?.state?.completedCount >= 2),
    null, { timeout: 60_000, polling: 50 },
  );
  await page.click('#backup-stop');
  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 30_000 });
  const [stopped] = await stops(page);
  assert.equal(stopped.args.reason, 'stoppedByUser', JSON.stringify(stopped));

  const atStop = (await env.statistics()).total;
  assert.ok(atStop >= 2 && atStop < 8, `stopped mid-run with ${atStop} of 8 on the server`);
  await page.waitForTimeout(1_500); // a run that went on would upload about five more by now
  assert.equal((await env.statistics()).total, atStop, 'nothing is uploaded after the stop');
  const paused = await env.uploadState();
  assert.equal(paused.failedCount, 0, JSON.stringify(paused));
  assert.ok(paused.completedCount < 8, JSON.stringify(paused));

  await page.click('#backup-start');
  await page.waitForFunction(() => window.__channel.filter((m) => m.method === 'systemStop').length === 2,
    null, { timeout: 60_000, polling: 100 });
  const second = (await stops(page))[1];
  assert.equal(second.args.reason, 'completed', JSON.stringify(second));

  assert.equal((await env.statistics()).total, 8, 'each file once on the server');
  const known = await env.checkChecksums(distinct);
  for (const [checksum, r] of Object.entries(known)) {
    assert.equal(r?.reason, 'duplicate', `checksum ${checksum} is on the server`);
  }
  const final = await env.uploadState();
  assert.deepEqual([final.completedCount, final.failedCount], [8, 0], JSON.stringify(final));
});
