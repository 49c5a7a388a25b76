// A backup survives a page reload and a killed service worker: nothing lost, nothing twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, waitForReady, sha1, randomFile, randomSize } from './harness.mjs';

let env;
before(async () => {
  env = await start({ uploadDelayMs: 300 });
});
after(async () => {
  await env?.stop();
});

test('resumes after reload and worker stop, uploads each file exactly once', { timeout: 120_000 }, async () => {
  const { page, context } = env;
  const files = Array.from({ length: 12 }, (_, i) => ({
    name: `resume-${String(i).padStart(2, '0')}.jpg`,
    buffer: randomFile(randomSize(20_000, 100_000)),
  }));
  const distinct = [...new Set(files.map((f) => sha1(f.buffer)))];
  assert.equal(distinct.length, 12);

  await env.open();
  const login = await env.login();
  assert.equal(login.error, '', `connect failed: ${login.error}`);
  await env.pickFiles(files);

  await page.click('#backup-start');
  await page.waitForFunction(
    () => window.__channel.some((m) => m.method === 'updateNotification' && m.args?.state?.completedCount >= 3),
    null, { timeout: 60_000, polling: 100 },
  );
  const before = await env.uploadState();
  assert.ok(before.completedCount < 12, `the run ended before the reload: ${JSON.stringify(before)}`);

  // 1. the page goes away and comes back
  await page.reload();
  await waitForReady(page);

  // 2. the service worker is killed, the page comes back again
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  const killed = await env.uploadState();
  assert.ok(killed.completedCount < 12, `the worker was stopped mid-run: ${JSON.stringify(killed)}`);
  await page.reload();
  await waitForReady(page); // the page posts updateNotification: the worker resumes the run

  let state;
  const deadline = Date.now() + 90_000;
  for (;;) {
    state = await env.uploadState();
    if (state.totalCount === 12 && state.completedCount + state.failedCount >= 12) break;
    if (Date.now() > deadline) assert.fail(`the backup did not finish after the resume: ${JSON.stringify(state)}`);
    await page.waitForTimeout(500);
  }
  assert.equal(state.failedCount, 0, `failed after resume: ${JSON.stringify(state)}`);
  assert.equal(state.completedCount, 12);

  const stats = await env.statistics();
  assert.equal(stats.total, 12, `each file once on the server: ${JSON.stringify(stats)}`);
  const known = await env.checkChecksums(distinct);
  for (const [checksum, r] of Object.entries(known)) {
    assert.ok(r && r.action === 'reject' && r.reason === 'duplicate', `checksum ${checksum} not on the server: ${JSON.stringify(r)}`);
  }
  await page.waitForFunction(() => /\b12 of 12 backed up/.test(document.getElementById('total-text').textContent), null, { timeout: 10_000 })
    .catch(async () => assert.fail(`#total-text: ${await page.textContent('#total-text')}`));
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
