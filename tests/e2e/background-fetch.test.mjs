// Large files by Background Fetch: while the page is open, a file of at least
// backgroundFetchMinMb goes by the browser's Background Fetch, started by the page at the
// worker's request; the page shows its bytes; the upload survives the worker's stop and a page
// reload, and its outcome lands in the queue once. With the setting at 0, the worker sends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, startForTests, waitForReady } from './harness.mjs';
import { writeTree, addOpfsFolder, backupFolders } from './folder-helpers.mjs';
import { waitFor, saveSettings, readLogs } from './service-helpers.mjs';

// Every upload waits this long before the server reads it: the video's fetch is on its way
// for several seconds whatever the machine.
const env = startForTests({ uploadDelayMs: 6000 });

const VIDEO_BYTES = 100_000_000;

/** The app's Background Fetch tags running now, as the page sees them. */
const fetchIds = (page) => page.evaluate(async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.backgroundFetch.getIds()).filter((id) => id.startsWith('upload:'));
});

/** The per-file bar and its text. */
const fileBar = (page) => page.evaluate(() => {
  const bar = document.getElementById('file-progress');
  return { text: document.getElementById('file-text').textContent, value: bar.value, max: bar.max };
});

/** Byte progress of a carried upload: its text, and a bar part-way between 0 and its bytes. */
const showsBytes = (bar, name) => bar.text.includes(name) && /carried by the browser/.test(bar.text)
  && bar.value > 0 && bar.value < bar.max && bar.max >= VIDEO_BYTES;

const completedStop = (page) => page.evaluate(() => (window.__channel ?? [])
  .find((m) => m.method === 'systemStop'));

async function checkAllOnServer(written) {
  const known = await env.checkChecksums(Object.values(written));
  for (const [path, sha] of Object.entries(written)) {
    assert.equal(known[sha]?.reason, 'duplicate', `${path} is on the server`);
  }
}

test('a large file goes by Background Fetch with byte progress, across a stopped worker and a reload', { timeout: 150_000 }, async () => {
  await env.open();
  assert.equal((await env.login()).error, '', 'logged in');
  let { page } = env;
  assert.equal(await page.inputValue('#settings-form [name=backgroundFetchMinMb]'), '64', 'the default is 64 MiB');
  const written = await writeTree(page, 'Videos', {
    'clip.mp4': VIDEO_BYTES,
    'IMG_0001.jpg': 40_000,
    'IMG_0002.jpg': 50_000,
  });
  await addOpfsFolder(page, 'Videos');
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');

  const [tag] = await waitFor(async () => {
    const ids = await fetchIds(page);
    return ids.length > 0 && ids;
  }, { timeout: 60_000, interval: 100, message: 'a Background Fetch of the video' });
  assert.match(tag, /^upload:./, 'the fetch is tagged with a queue id');
  await waitFor(async () => showsBytes(await fileBar(page), 'clip.mp4'), {
    timeout: 20_000, interval: 100, message: async () => `byte progress in the page: ${JSON.stringify(await fileBar(page))}`,
  });

  // The browser carries it on while the worker is stopped and the page reloads.
  await env.stopWorker();
  await page.reload();
  await waitForReady(page);
  assert.deepEqual(await fetchIds(page), [tag], 'the fetch goes on after the worker stopped and the page reloaded');
  await waitFor(async () => {
    const bar = await fileBar(page);
    return showsBytes(bar, 'clip.mp4') || (bar.max >= VIDEO_BYTES && bar.value === bar.max);
  }, { timeout: 20_000, interval: 100, message: async () => `byte progress after the reload: ${JSON.stringify(await fileBar(page))}` });

  const stop = await waitFor(() => completedStop(page), { timeout: 90_000, message: 'the run to end' });
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  await checkAllOnServer(written);
  const requests = await env.requests();
  const arrivals = await env.uploadArrivals();
  assert.equal(arrivals[written['clip.mp4']], 1, 'the video sent once, by the browser only');
  // The pictures go beside the video and the server holds each upload 6 s before reading it,
  // so the stop may cut them off, and the new worker's resend may meet the stopped one's
  // upload still held there; nothing else may overlap.
  const sends = ['IMG_0001.jpg', 'IMG_0002.jpg'].map((name) => arrivals[written[name]]);
  assert.ok(sends.every((n) => n === 1 || n === 2), `each picture sent once, or twice if the stop cut it off: ${sends}`);
  const resent = sends.filter((n) => n === 2).length;
  assert.ok(requests.sameFileConcurrent <= resent, `no two uploads of one file at once but a resend and its cut-off one: ${requests.sameFileConcurrent}`);
  assert.deepEqual(await fetchIds(page), [], 'no Background Fetch left');
  const [view] = await backupFolders(page);
  assert.deepEqual({ files: view.files, backedUp: view.backedUp, waiting: view.waiting, failed: view.failed },
    { files: 3, backedUp: 3, waiting: 0, failed: 0 }, JSON.stringify(view));
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, JSON.stringify(state));
  const logs = (await readLogs(page)).map((e) => e.message);
  assert.ok(logs.some((m) => m === 'clip.mp4: Background Fetch reported: backed up'), logs.join('\n'));
  assert.ok(logs.every((m) => !m.includes(API_KEY)), 'no key in the log');
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});

test('with backgroundFetchMinMb 0 the worker sends the large file itself', { timeout: 120_000 }, async () => {
  const { page } = env;
  await saveSettings(page, { backgroundFetchMinMb: 0 });
  const written = await writeTree(page, 'More', { 'clip2.mp4': VIDEO_BYTES, 'IMG_0100.jpg': 40_000 });
  await addOpfsFolder(page, 'More');
  const before = (await env.requests())['POST /api/assets'];
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  let seen = [];
  await waitFor(async () => {
    seen = seen.concat(await fetchIds(page));
    return completedStop(page);
  }, { timeout: 90_000, interval: 100, message: 'the run to end' });
  assert.deepEqual(seen, [], 'no Background Fetch was started');
  const stop = await completedStop(page);
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  await checkAllOnServer(written);
  assert.equal((await env.requests())['POST /api/assets'], before + 2, 'both sent once, by the worker');
  const views = await backupFolders(page);
  const more = views.find((v) => v.name === 'More');
  assert.deepEqual({ backedUp: more.backedUp, failed: more.failed }, { backedUp: 2, failed: 0 }, JSON.stringify(more));
});

test('a page that cannot start the fetch, or starts none within 15 s, leaves the file to the worker', { timeout: 150_000 }, async () => {
  const { page } = env;
  await saveSettings(page, { backgroundFetchMinMb: 64 });
  // The page's Background Fetch refuses at once, then never answers.
  const cases = [
    ['Refused', 'refused.mp4', 'reject',
      /refused\.mp4: Background Fetch could not start \(the browser refused: refused by the test\); the worker sends it/],
    ['Silent', 'silent.mp4', 'hang',
      /silent\.mp4: Background Fetch could not start \(no Background Fetch started within 15 s\); the worker sends it/],
  ];
  for (const [folder, name, how, logged] of cases) {
    await page.evaluate((kind) => {
      BackgroundFetchManager.prototype.fetch = kind === 'reject'
        ? () => Promise.reject(new DOMException('refused by the test', 'NotAllowedError'))
        : () => new Promise(() => {});
    }, how);
    const written = await writeTree(page, folder, { [name]: 70_000_000 });
    await addOpfsFolder(page, folder);
    const before = (await env.requests())['POST /api/assets'];
    await page.evaluate(() => { window.__channel.length = 0; });
    await page.click('#backup-start');
    const stop = await waitFor(() => completedStop(page), { timeout: 90_000, interval: 100, message: `the run of ${name} to end` });
    assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
    await checkAllOnServer(written);
    assert.equal((await env.requests())['POST /api/assets'], before + 1, `${name} sent once, by the worker`);
    const logs = (await readLogs(page)).map((e) => e.message);
    assert.ok(logs.some((m) => logged.test(m)), logs.join('\n'));
  }
});
