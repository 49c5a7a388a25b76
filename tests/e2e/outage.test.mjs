// The server goes away mid-run and comes back: failed uploads are retried after their backoff,
// the run completes, and every file is on the server once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, sha1, randomFile, randomSize } from './harness.mjs';

let env;
before(async () => {
  env = await start({ uploadDelayMs: 250 });
});
after(async () => {
  await env?.stop();
});

test('an outage mid-run is retried, not lost and not doubled', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = Array.from({ length: 10 }, (_, i) => ({
    name: `outage-${i}.jpg`,
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

  await env.stopServer();
  await page.waitForTimeout(1_500); // uploads fail meanwhile and wait for their retry
  const during = await env.uploadState();
  assert.ok(during.completedCount < 10, `the outage came mid-run: ${JSON.stringify(during)}`);
  await env.startServer();

  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 90_000, polling: 200 });
  const stop = await page.evaluate(() => window.__channel.find((m) => m.method === 'systemStop'));
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const final = await env.uploadState();
  assert.deepEqual([final.completedCount, final.failedCount], [10, 0], JSON.stringify(final));
  assert.equal((await env.statistics()).total, 10, 'each file once on the server');
  const known = await env.checkChecksums(distinct);
  for (const [checksum, r] of Object.entries(known)) {
    assert.equal(r?.reason, 'duplicate', `checksum ${checksum} is on the server`);
  }
  const logs = await page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.readLogs();
  });
  assert.ok(logs.some((l) => l.level === 'WARNING' && /upload failed/.test(l.message)),
    `the failed attempts are logged: ${JSON.stringify(logs.map((l) => l.message))}`);
});

test('a server that is down when the files are checked is tried again with backoff', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = (await env.statistics()).total;
  const files = Array.from({ length: 4 }, (_, i) => ({
    name: `late-${i}.jpg`,
    buffer: randomFile(randomSize(20_000, 80_000)),
  }));
  await env.pickFiles(files);
  await env.stopServer();
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  await page.waitForTimeout(3_000); // the first check fails; the second waits 4 s more
  assert.equal(await page.evaluate(() => window.__channel.some((m) => m.method === 'systemStop')), false,
    'the run waits for the server instead of giving up');
  await env.startServer();

  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 60_000, polling: 200 });
  const stop = await page.evaluate(() => window.__channel.find((m) => m.method === 'systemStop'));
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal((await env.statistics()).total, before + 4);
  const known = await env.checkChecksums(files.map((f) => sha1(f.buffer)));
  assert.ok(Object.values(known).every((r) => r?.reason === 'duplicate'), JSON.stringify(known));
});
