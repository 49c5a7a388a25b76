// A backup folder of 500 files (nested 3 levels deep, non-media files, .xmp sidecars, a live
// photo, a 100 MB video) backed up in place; then, with every page of the origin closed, files
// added, changed and deleted in it are backed up by a Background Sync wake-up (dispatched
// through the DevTools protocol once the trigger delay is over): exactly the new and changed
// ones, each once. IndexedDB stays small: nothing of a file's bytes is copied into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';
import { waitFor, saveSettings, readLogs } from './service-helpers.mjs';
import { workerControl, storedServiceRecord, originPages, seededRandom } from './background-helpers.mjs';
import { writeTree, addOpfsFolder, backupFolders, storageEstimate, storeSizes, counts } from './folder-helpers.mjs';

const env = startForTests();

const SEED = Number(process.env.E2E_SEED ?? Date.now() % 1_000_000);
const ROOT = 'Library';
const DELAY_MS = 60_000;
const VIDEO_BYTES = 100 * 1024 * 1024;

/**
 * 500 files: 20 non-media, 10 .xmp sidecars next to photos, a live pair .HEIC + .MOV, the big
 * .mp4 and small photos (10-60 KB) spread over the top and nested folders 3 levels deep.
 */
function largeTree(random) {
  const dirs = [''];
  for (const a of ['DCIM', 'Trips', 'Family']) {
    dirs.push(`${a}/`);
    for (const b of ['2025', '2026']) {
      dirs.push(`${a}/${b}/`);
      for (const c of ['raw', 'edited']) dirs.push(`${a}/${b}/${c}/`);
    }
  }
  const pick = () => dirs[Math.floor(random() * dirs.length)];
  const size = (min, max) => min + Math.floor(random() * (max - min + 1));
  const tree = {};
  const photos = [];
  const exts = ['jpg', 'JPG', 'jpeg', 'png', 'heic', 'webp'];
  for (let i = 0; photos.length < 467; i++) {
    const path = `${pick()}IMG_${String(i).padStart(4, '0')}.${exts[i % exts.length]}`;
    tree[path] = size(10_000, 60_000);
    photos.push(path);
  }
  // Sidecars: both names Immich looks for, "IMG_1.xmp" and "IMG_1.jpg.xmp".
  const sidecars = {};
  for (let i = 0; i < 10; i++) {
    const photo = photos[i * 37];
    const sidecar = i % 2 ? `${photo}.xmp` : photo.replace(/\.[^.]+$/, '.xmp');
    tree[sidecar] = size(500, 3_000);
    sidecars[photo] = sidecar;
  }
  const nonMedia = [];
  const junk = ['notes.txt', 'meta.json', '.DS_Store', 'Thumbs.txt', 'album.json'];
  for (let i = 0; nonMedia.length < 20; i++) {
    const path = `${dirs[i % dirs.length]}${junk[i % junk.length]}`;
    if (tree[path] !== undefined) continue;
    tree[path] = size(50, 2_000);
    nonMedia.push(path);
  }
  tree['Family/2026/live/IMG_9000.HEIC'] = 50_000;
  tree['Family/2026/live/IMG_9000.MOV'] = 400_000;
  tree['Trips/2026/raw/holiday.mp4'] = VIDEO_BYTES;
  const media = [...photos, 'Family/2026/live/IMG_9000.HEIC', 'Family/2026/live/IMG_9000.MOV', 'Trips/2026/raw/holiday.mp4'];
  return { tree, media, sidecars, nonMedia };
}

test('500 files backed up in place; added, changed and deleted ones by a sync wake-up with no page open', { timeout: 240_000 }, async () => {
  console.log(`seed ${SEED} (E2E_SEED repeats it)`);
  const random = seededRandom(SEED);
  const { tree, media, sidecars, nonMedia } = largeTree(random);
  assert.equal(Object.keys(tree).length, 500);
  assert.equal(media.length, 470);
  const t0 = Date.now();

  await env.open();
  const { error } = await env.login();
  assert.equal(error, '', 'logged in');
  await saveSettings(env.page, { backgroundBackup: true, backupTriggerDelay: 1 });
  // What the app holds before the folder (settings, login, the log) is not the folder's cost.
  const before = (await storageEstimate(env.page)).usageDetails?.indexedDB ?? 0;
  const first = await writeTree(env.page, ROOT, tree);
  const written = Date.now();
  const folder = await addOpfsFolder(env.page, ROOT);
  assert.equal(folder.state, 'ok');

  await env.page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const backedUp = Date.now();
  let requests = await env.requests();
  assert.equal(requests['POST /api/assets'], media.length, 'each media file sent once, nothing else');
  const [view] = await backupFolders(env.page);
  assert.deepEqual(counts(view), { files: media.length, backedUp: media.length, waiting: 0, failed: 0, skipped: nonMedia.length },
    JSON.stringify(view));

  // Before the last page closes: 5 files added, 3 changed (new bytes; two of the same size, so
  // only the modification time tells), 3 deleted.
  const plain = media.filter((p) => p.includes('/IMG_0') && !sidecars[p]);
  const changed = [plain[3], plain[100], plain[200]];
  const deleted = [plain[10], plain[110], plain[210]];
  const edits = {
    'IMG_5000.jpg': 20_000,
    'DCIM/2026/IMG_5001.jpg': 30_000,
    'Trips/2026/raw/IMG_5002.png': 25_000,
    'New/deep/er/IMG_5003.heic': 40_000,
    'New/IMG_5004.mp4': 300_000,
    [changed[0]]: tree[changed[0]],
    [changed[1]]: tree[changed[1]],
    [changed[2]]: tree[changed[2]] + 1_000,
    [deleted[0]]: null,
    [deleted[1]]: null,
    [deleted[2]]: null,
  };
  const second = await writeTree(env.page, ROOT, edits);
  const fresh = Object.values(second);
  assert.equal(fresh.length, 8);
  const uploadsBefore = requests['POST /api/assets'];

  // Every page closed: the worker stores the due time of the trigger delay.
  const control = await workerControl(env);
  const closedAt = Date.now();
  await env.page.close();
  assert.equal(originPages(env).length, 0, 'no page of the origin is open');
  const record = await waitFor(async () => {
    const r = await storedServiceRecord(env);
    return typeof r?.dueAtMs === 'number' && r.dueAtMs >= closedAt + DELAY_MS - 1_000 && r;
  }, { timeout: 30_000, interval: 200, message: 'the due time of the trigger delay stored by the worker' });

  // Meanwhile: the first backup, checked on the server.
  const known = await env.checkChecksums(media.map((p) => first[p]));
  for (const p of media) assert.equal(known[first[p]]?.reason, 'duplicate', `${p} is on the server`);
  for (const [photo, sidecar] of Object.entries(sidecars)) {
    const got = await env.api(`/api/fake-immich/assets/${known[first[photo]].assetId}/sidecar`);
    assert.deepEqual(got, { bytes: tree[sidecar], sha1: first[sidecar] }, `${sidecar} is the sidecarData of ${photo}`);
  }
  const still = await env.api(`/api/assets/${known[first['Family/2026/live/IMG_9000.HEIC']].assetId}`);
  assert.equal(still.livePhotoVideoId, known[first['Family/2026/live/IMG_9000.MOV']].assetId, 'the HEIC is linked to its MOV');
  const junk = await env.checkChecksums(nonMedia.map((p) => first[p]));
  assert.ok(Object.values(junk).every((r) => r.action === 'accept'), 'no non-media file reached the server');

  // The browser stops the worker before the due time; a Background Sync after it wakes it.
  while (Date.now() < record.dueAtMs - 3_000) {
    assert.equal((await env.requests())['POST /api/assets'], uploadsBefore, 'nothing sent before the due time');
    await new Promise((r) => setTimeout(r, 500));
  }
  await control.stop();
  await waitFor(() => Date.now() > record.dueAtMs + 500, { timeout: 10_000, interval: 100, message: 'the due time' });
  assert.equal((await env.requests())['POST /api/assets'], uploadsBefore, 'nothing sent before the wake-up');
  const wokenAt = Date.now();
  await control.sync();
  await waitFor(async () => Object.values(await env.checkChecksums(fresh)).every((r) => r.reason === 'duplicate'),
    { timeout: 60_000, interval: 300, message: 'the 8 new and changed files on the server' });
  const syncedAt = Date.now();
  assert.equal(originPages(env).length, 0, 'the backup ran with no page of the origin open');
  // The run ends (the worker records that nothing is wanted any more); nothing more was sent.
  await waitFor(async () => (await storedServiceRecord(env))?.wanted === false,
    { timeout: 30_000, interval: 200, message: 'the background run ended' });
  requests = await env.requests();
  assert.equal(requests['POST /api/assets'] - uploadsBefore, 8, 'exactly the new and changed files sent, each once');
  assert.equal(requests.sameFileConcurrent, 0);

  // A page opened afterwards: the folder's counts follow it, and IndexedDB holds no copies.
  env.page = await env.openNewPage();
  const after = await waitFor(async () => {
    const [v] = await backupFolders(env.page);
    return v.waiting === 0 && v;
  }, { timeout: 20_000, interval: 200, message: 'nothing left waiting' });
  const files = media.length + 5 - 3;
  assert.deepEqual(counts(after), { files, backedUp: files, waiting: 0, failed: 0, skipped: nonMedia.length }, JSON.stringify(after));
  const logs = (await readLogs(env.page)).map((e) => e.message);
  assert.ok(logs.some((m) => /The trigger delay is over .*background backup starts/.test(m)), logs.join('\n'));
  assert.ok(logs.some((m) => m === `Backup folder "${ROOT}": 8 new or changed files`), logs.join('\n'));

  console.log(`seed ${SEED}: tree written in ${written - t0} ms, first backup ${backedUp - written} ms; `
    + `woken ${wokenAt - record.dueAtMs} ms after the due time, 8 files on the server ${syncedAt - wokenAt} ms later`);

  // IndexedDB holds records of the files, never their bytes.
  const estimate = await storageEstimate(env.page);
  const inFolder = Object.keys(tree).length + 5 - 3;
  const limit = (inFolder / 1_000) * 1024 * 1024;
  const held = `${JSON.stringify(estimate)}; rows and their bytes as JSON: ${JSON.stringify(await storeSizes(env.page))}`;
  console.log(`storage (IndexedDB ${before} bytes before the folder): ${held}`);
  const indexedDb = estimate.usageDetails?.indexedDB;
  assert.equal(typeof indexedDb, 'number', `usageDetails.indexedDB is reported: ${held}`);
  assert.ok(indexedDb < 10 * 1024 * 1024, `no file copied into IndexedDB (the video alone is 100 MB): ${held}`);
  const grown = indexedDb - before;
  assert.ok(grown < limit, `IndexedDB grew by ${grown} bytes (from ${before}) for ${inFolder} files, `
    + `${(grown / inFolder * 1000 / 1024 / 1024).toFixed(2)} MB per 1,000 files (at most 1): ${held}`);
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
  await control.detach();
});
