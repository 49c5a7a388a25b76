// The server goes away for a minute in the middle of a 300-file run: the run pauses (a handful
// of probes, no file's attempts spent), says so in the page and the notification, and goes on
// when the server is back: every file on the server once, none failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos, assertSentOnce, PARALLEL_UPLOADS } from './harness.mjs';

// The page's origin forwards /api to the fault proxy, which can play the outage.
const env = startForTests({ uploadDelayMs: 40, faultProxy: true });

const OUTAGE_MS = 60_000;

/** The notifications the worker shows now: {tag, body}. */
const notifications = () => env.page.evaluate(async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({ tag: n.tag, body: n.body }));
});

test('a one-minute outage mid-run pauses the run, then every file arrives once', { timeout: 240_000 }, async () => {
  const { page } = env;
  const files = photos('outage', 300, { min: 2_000, max: 8_000 });
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '', 'logged in through the proxy');
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });
  await env.backUpUntil(40);

  env.proxy.setDown(true);
  const downAt = Date.now();
  await page.waitForFunction(() => /Server unreachable, retrying in \d+ s/.test(document.getElementById('status').textContent),
    null, { timeout: 15_000, polling: 100 })
    .catch(async () => assert.fail(`#status during the outage: ${await page.textContent('#status')}`));
  assert.equal(await page.textContent('#file-text'), '', 'no stale "uploading …" line while the server is away');
  const shown = await notifications();
  assert.ok(shown.some((n) => n.tag === 'immich-backup-total' && /Server unreachable, retrying in \d+ s/.test(n.body)),
    `the notification says it: ${JSON.stringify(shown)}`);
  assert.ok(!shown.some((n) => n.tag === 'immich-backup-error'), `no error notification for an outage: ${JSON.stringify(shown)}`);
  const during = await env.uploadState();
  assert.ok(during.completedCount < 300, `the outage came mid-run: ${JSON.stringify(during)}`);
  assert.equal(during.failedCount, 0);

  await page.waitForTimeout(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
  env.proxy.setDown(false);
  const refused = env.proxy.requests.filter((r) => r.refused);
  assert.ok(refused.length <= 10, `a handful of requests while the server was away, not one per file: ${JSON.stringify(refused)}`);
  // the requests already on their way when the server went (at most PARALLEL_UPLOADS uploads
  // and one check) are refused too; after the first failure only probes went out
  const firstProbe = refused.find((r) => r.method === 'GET')?.at ?? Infinity;
  const posts = refused.filter((r) => r.method === 'POST');
  assert.ok(posts.length <= PARALLEL_UPLOADS + 1 && posts.every((r) => r.at < firstProbe),
    `after the first failure only probes went out: ${JSON.stringify(refused)}`);

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const final = await env.uploadState();
  assert.deepEqual([final.completedCount, final.failedCount], [300, 0], JSON.stringify(final));
  assert.equal((await env.statistics()).total, 300, 'each file once on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  await assertSentOnce(env, files.map((f) => f.buffer), 1, 'the outage');
  assert.ok(!(await notifications()).some((n) => n.tag === 'immich-backup-error'), 'no error notification left behind');
  const logs = await page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.readLogs();
  });
  const warnings = logs.filter((l) => l.level === 'WARNING');
  assert.ok(warnings.length <= 3 && warnings.some((l) => /unreachable/.test(l.message)),
    `the outage is logged once, not per file: ${JSON.stringify(warnings.map((l) => l.message))}`);
});

test('a server that is down when the files are checked is waited for', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = (await env.statistics()).total;
  const files = photos('late', 4);
  await env.pickFiles(files);
  env.proxy.setDown(true);
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  await page.waitForTimeout(5_000);
  assert.equal(await page.evaluate(() => window.__channel.some((m) => m.method === 'systemStop')), false,
    'the run waits for the server instead of giving up');
  env.proxy.setDown(false);

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal((await env.statistics()).total, before + 4);
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
});
