// Backup folders: a folder added once is scanned at every run and read in place; only media
// files go, a sidecar travels with its photo, a live photo's video goes first; files added,
// changed and deleted in it are found by the next run, and only those are sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';
import { writeTree, addOpfsFolder, backupFolders } from './folder-helpers.mjs';

const env = startForTests();

test('a backup folder is backed up in place, then only its new and changed files', { timeout: 180_000 }, async () => {
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '', 'logged in');
  const { page } = env;
  const first = await writeTree(page, 'Camera', {
    'IMG_0001.jpg': 40_000,
    'IMG_0002.JPG': 50_000,
    'trip/IMG_0100.jpg': 30_000,
    'trip/IMG_0100.xmp': 900,
    'trip/deep/er/clip.mp4': 200_000,
    'live/IMG_0200.HEIC': 60_000,
    'live/IMG_0200.MOV': 120_000,
    'notes.txt': 500,
    'meta.json': 300,
    '.DS_Store': 100,
  });
  const folder = await addOpfsFolder(page, 'Camera');
  assert.equal(folder.name, 'Camera');
  assert.equal(folder.state, 'ok');

  await page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const media = ['IMG_0001.jpg', 'IMG_0002.JPG', 'trip/IMG_0100.jpg', 'trip/deep/er/clip.mp4', 'live/IMG_0200.HEIC', 'live/IMG_0200.MOV'];
  const known = await env.checkChecksums(media.map((p) => first[p]));
  for (const p of media) assert.equal(known[first[p]]?.reason, 'duplicate', `${p} is on the server`);
  const uploads = (await env.requests())['POST /api/assets'];
  assert.equal(uploads, media.length, 'each media file sent once, nothing else');

  // The sidecar went with its photo; the live photo names its video, which the server hid.
  const photo = known[first['trip/IMG_0100.jpg']].assetId;
  const sidecar = await env.api(`/api/fake-immich/assets/${photo}/sidecar`);
  assert.deepEqual(sidecar, { bytes: 900, sha1: first['trip/IMG_0100.xmp'] }, 'the .xmp is the photo\'s sidecarData');
  const still = await env.api(`/api/assets/${known[first['live/IMG_0200.HEIC']].assetId}`);
  assert.equal(still.livePhotoVideoId, known[first['live/IMG_0200.MOV']].assetId, 'the HEIC is linked to its MOV');

  const [view] = await backupFolders(page);
  assert.deepEqual(
    { files: view.files, backedUp: view.backedUp, waiting: view.waiting, failed: view.failed },
    { files: 6, backedUp: 6, waiting: 0, failed: 0 }, JSON.stringify(view));
  assert.ok(view.skipped >= 2, `notes.txt and meta.json are skipped: ${JSON.stringify(view)}`);

  // Add, change and delete; the next run sends exactly the new and the changed.
  const second = await writeTree(page, 'Camera', {
    'IMG_0003.jpg': 45_000,
    'trip/IMG_0101.jpg': 35_000,
    'IMG_0002.JPG': 52_000,
    'IMG_0001.jpg': null,
  });
  await page.click('#backup-start');
  const again = await env.waitForStop(2);
  assert.equal(again.args.reason, 'completed', JSON.stringify(again));
  assert.equal((await env.requests())['POST /api/assets'], media.length + 3, 'only the two new and the changed file are sent');
  const found = await env.checkChecksums(Object.values(second));
  assert.ok(Object.values(found).every((r) => r.reason === 'duplicate'), JSON.stringify(found));
  const [after] = await backupFolders(page);
  assert.deepEqual(
    { files: after.files, backedUp: after.backedUp, waiting: after.waiting, failed: after.failed },
    { files: 7, backedUp: 7, waiting: 0, failed: 0 }, `counts follow the folder: ${JSON.stringify(after)}`);
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
