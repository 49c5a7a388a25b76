// A full backup of 20 picked files through the PWA, the service worker and the fake server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, sha1, randomFile, randomSize } from './harness.mjs';
import { saveSettings } from './service-helpers.mjs';

const env = startForTests();

function makeFiles() {
  const files = [];
  files.push({ name: 'empty.jpg', buffer: Buffer.alloc(0) });
  files.push({ name: 'Łódź-早上好.jpg', buffer: randomFile(randomSize(20_000, 200_000)) });
  files.push({ name: 'say "cheese".jpg', buffer: randomFile(randomSize(20_000, 200_000)) });
  const twin = randomFile(randomSize(20_000, 200_000));
  files.push({ name: 'twin-a.jpg', buffer: twin });
  files.push({ name: 'twin-b.jpg', buffer: Buffer.from(twin) });
  files.push({ name: 'big-20mb.jpg', buffer: randomFile(20 * 1024 * 1024 + 12_345) });
  for (let i = 0; files.length < 20; i++) {
    files.push({ name: `IMG_${String(1000 + i)}.jpg`, buffer: randomFile(randomSize(20_000, 200_000)) });
  }
  return files;
}

test('backs up 20 picked files, duplicates by content once, the empty one skipped', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = makeFiles();
  const distinct = [...new Set(files.filter((f) => f.buffer.length > 0).map((f) => sha1(f.buffer)))];
  assert.equal(files.length, 20);
  assert.equal(distinct.length, 18);

  await env.open();
  // the page asks the worker for the state on load; the worker answers to every page
  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'updateNotification'), null, { timeout: 15_000 })
    .catch(() => assert.fail('the worker did not answer the page\'s {method:"updateNotification"} within 15 s'));

  const login = await env.login();
  assert.equal(login.error, '', `connect failed: ${login.error}`);
  assert.match(login.status, /^Connected to http:\/\/127\.0\.0\.1:\d+\/api as .+ \(Immich v\d+\.\d+\.\d+\)$/);
  assert.equal(await page.isDisabled('#backup-start'), false, 'Back up is enabled once logged in');
  // files from 16 MiB up are read in chunks with byte progress (the 20 MB one below); smaller
  // ones are hashed whole
  await saveSettings(page, { hashStreamMinMb: 16 });

  await env.pickFiles(files);
  const queued = await env.uploadState();
  assert.equal(queued.totalCount, 20, `uploadState after enqueue: ${JSON.stringify(queued)}`);

  assert.equal(await page.isDisabled('#backup-stop'), true, 'Stop is off while nothing runs');
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  await page.waitForFunction(() => !document.getElementById('backup-stop').disabled, null, { timeout: 10_000 })
    .catch(() => assert.fail('Stop is on while the run goes'));
  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 90_000, polling: 200 });
  await page.waitForTimeout(300); // anything sent after the stop would show up here

  const channel = await env.channel();
  const stop = channel.find((m) => m.method === 'systemStop');
  assert.equal(stop.args?.reason, 'completed', `systemStop: ${JSON.stringify(stop)}`);

  // the server has every distinct content exactly once
  const stats = await env.statistics();
  assert.equal(stats.total, distinct.length, `statistics: ${JSON.stringify(stats)}`);
  const known = await env.checkChecksums(distinct);
  for (const [checksum, r] of Object.entries(known)) {
    assert.ok(r && r.action === 'reject' && r.reason === 'duplicate', `checksum ${checksum} not on the server: ${JSON.stringify(r)}`);
  }
  const uploads = (await env.requests())['POST /api/assets'];
  assert.ok(uploads === 18 || uploads === 19, `one upload per file, the twin at most once more: ${uploads}`);
  // the exact name reaches the server, double quote included
  const quoted = files.find((f) => f.name.includes('"'));
  const asset = await env.api(`/api/assets/${known[sha1(quoted.buffer)].assetId}`);
  assert.equal(asset.originalFileName, 'say "cheese".jpg');

  // the page shows the result
  await page.waitForFunction(() => document.getElementById('total-text').textContent === '19 of 20 backed up, 1 skipped',
    null, { timeout: 5_000 })
    .catch(async () => assert.fail(`#total-text: ${await page.textContent('#total-text')}`));
  await page.waitForFunction(() => /empty\.jpg — skipped: empty file, not backed up/.test(document.getElementById('file-issues').textContent),
    null, { timeout: 5_000 })
    .catch(async () => assert.fail(`#file-issues: ${await page.textContent('#file-issues')}`));
  assert.equal(await page.isDisabled('#backup-stop'), true, 'Stop is off again');
  assert.equal(await page.textContent('#queue-status'), '', '"20 files queued" is gone once they are done');
  assert.ok((await page.textContent('#status')).length > 0, '#status shows the systemStop message');
  assert.equal(await page.textContent('#status'), stop.args.message);

  // the channel: initialized, updateNotification (completedCount never decreasing), systemStop;
  // the background service's serviceState (an answer to every page message, and on each change)
  // may come at any point and is not part of the run's order
  const run = channel.filter((m) => m.method !== 'serviceState');
  const summary = run.map((m) => m.method).join(',');
  assert.equal(run[0].method, 'initialized', `order: ${summary}`);
  assert.equal(run.at(-1).method, 'systemStop', `order: ${summary}`);
  const middle = run.slice(1, -1);
  assert.ok(middle.length > 0, 'progress messages between initialized and systemStop');
  let last = -1;
  for (const m of middle) {
    assert.equal(m.method, 'updateNotification', `order: ${summary}`);
    const c = m.args?.state?.completedCount;
    assert.equal(typeof c, 'number', `updateNotification without state.completedCount: ${JSON.stringify(m)}`);
    assert.ok(c >= last, `completedCount went down from ${last} to ${c}`);
    last = c;
  }
  // per-file progress: bytes hashed for the 20 MB file (read in several chunks), then an honest
  // indeterminate state while it is sent (fetch reports no upload progress)
  const big = middle.filter((m) => m.args.state.currentFile === 'big-20mb.jpg');
  const hashed = big.filter((m) => m.args.phase === 'hashing').map((m) => m.args.state.currentProgress);
  assert.ok(hashed.some((p) => p > 0 && p < 100), `partial hashing progress for the big file: ${hashed}`);
  assert.deepEqual(hashed, [...hashed].sort((a, b) => a - b), 'hashing progress only grows');
  const sending = big.filter((m) => m.args.phase === 'uploading');
  assert.ok(sending.length > 0 && sending.every((m) => m.args.state.currentProgress === null),
    `uploading is indeterminate: ${JSON.stringify(sending.map((m) => m.args.state))}`);

  const final = await env.uploadState();
  assert.deepEqual(
    { total: final.totalCount, completed: final.completedCount, failed: final.failedCount, skipped: final.skippedCount },
    { total: 20, completed: 19, failed: 0, skipped: 1 }, `uploadState: ${JSON.stringify(final)}`);

  // the service worker showed the total-progress notification
  const notes = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({ tag: n.tag, title: n.title, body: n.body }));
  });
  assert.ok(notes.some((n) => n.tag === 'immich-backup-total'), `notifications: ${JSON.stringify(notes)}`);
  for (const n of notes) assert.ok(!`${n.title} ${n.body}`.includes('immich-dev-key'), 'no API key in notifications');

  const logs = await page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.readLogs();
  });
  assert.ok(logs.some((l) => /Backup started/.test(l.message)), `the run is logged: ${JSON.stringify(logs)}`);
  for (const l of logs) assert.ok(!l.message.includes('immich-dev-key'), `no API key in the log: ${l.message}`);

  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
