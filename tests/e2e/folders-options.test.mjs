// A backup folder's options: its assets added to an Immich album of the folder's name (created
// when missing), and subfolders left out (never sent, as are hidden ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';
import { writeTree, addOpfsFolder, backupFolders, counts } from './folder-helpers.mjs';

const env = startForTests();

const setOptions = (page, id, excluded, album) => page.evaluate(async ([folderId, ex, al]) => {
  const ib = await import(new URL('pkg/immich_background.js', location.href).href);
  return ib.setBackupFolderOptions(folderId, ex, al);
}, [id, excluded, album]);

test('a folder with the album option: an album of its name holds exactly its media', { timeout: 120_000 }, async () => {
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '', 'logged in');
  const { page } = env;
  // Another album exists already: the folder's album is one more, of its own name.
  await env.api('/api/albums', { method: 'POST', body: { albumName: 'Holiday 2025' } });
  const media = ['IMG_1.jpg', 'IMG_2.heic', 'beach/IMG_3.png', 'beach/clip.mp4', 'beach/night/IMG_4.jpg',
    'live/IMG_5.HEIC', 'live/IMG_5.MOV'];
  const sha = await writeTree(page, 'Holiday 2026', {
    ...Object.fromEntries(media.map((p, i) => [p, 10_000 + i * 3_000])),
    'beach/IMG_3.xmp': 800,
    'readme.txt': 200,
  });
  const folder = await addOpfsFolder(page, 'Holiday 2026');
  const options = await setOptions(page, folder.id, [], true);
  assert.equal(options.album, true, JSON.stringify(options));

  await page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const known = await env.checkChecksums(media.map((p) => sha[p]));
  const assetIds = media.map((p) => {
    assert.equal(known[sha[p]]?.reason, 'duplicate', `${p} is on the server`);
    return known[sha[p]].assetId;
  });

  const albums = await env.api('/api/albums');
  const named = albums.filter((a) => a.albumName === 'Holiday 2026');
  assert.equal(named.length, 1, `one album of the folder's name: ${JSON.stringify(albums.map((a) => a.albumName))}`);
  const album = await env.api(`/api/albums/${named[0].id}`);
  assert.deepEqual(album.assets.map((a) => a.id).sort(), [...assetIds].sort(),
    'the album holds exactly the folder\'s media (the live video too: the server hides it, the album keeps it)');
  const other = albums.find((a) => a.albumName === 'Holiday 2025');
  assert.equal((await env.api(`/api/albums/${other.id}`)).assets.length, 0, 'the other album is left alone');
  const [view] = await backupFolders(page);
  assert.deepEqual(counts(view), { files: media.length, backedUp: media.length, waiting: 0, failed: 0, skipped: 1 }, JSON.stringify(view));
  assert.equal(view.album, true);

  // A photo added later goes to the same album, not a second one of the name.
  const added = await writeTree(page, 'Holiday 2026', { 'beach/IMG_6.jpg': 14_000 });
  await page.click('#backup-start');
  const again = await env.waitForStop(2);
  assert.equal(again.args.reason, 'completed', JSON.stringify(again));
  const newId = (await env.checkChecksums([added['beach/IMG_6.jpg']]))[added['beach/IMG_6.jpg']].assetId;
  assert.ok(newId, 'the new photo is on the server');
  const later = (await env.api('/api/albums')).filter((a) => a.albumName === 'Holiday 2026');
  assert.equal(later.length, 1, 'still one album of the name');
  assert.deepEqual((await env.api(`/api/albums/${later[0].id}`)).assets.map((a) => a.id).sort(), [...assetIds, newId].sort());
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});

test('an excluded subfolder is never sent', { timeout: 120_000 }, async () => {
  const { page } = env;
  const uploadsBefore = (await env.requests())['POST /api/assets'];
  const sent = ['IMG_1.jpg', 'keep/IMG_2.jpg', 'skipper/IMG_3.jpg', 'keep/skip/IMG_4.jpg', 'deep/skip/IMG_5.jpg'];
  const left = ['skip/IMG_6.jpg', 'skip/IMG_7.mp4', 'skip/inner/IMG_8.jpg', 'skip/inner/deeper/IMG_9.png',
    '.thumbnails/IMG_10.jpg'];
  const sha = await writeTree(page, 'Camera', Object.fromEntries([...sent, ...left].map((p, i) => [p, 9_000 + i * 1_000])));
  const folder = await addOpfsFolder(page, 'Camera');
  const options = await setOptions(page, folder.id, ['skip'], false);
  assert.deepEqual(options.excluded, ['skip'], JSON.stringify(options));
  await page.evaluate(() => { window.__channel.length = 0; });

  await page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const known = await env.checkChecksums([...sent, ...left].map((p) => sha[p]));
  for (const p of sent) assert.equal(known[sha[p]]?.reason, 'duplicate', `${p} is on the server`);
  for (const p of left) assert.equal(known[sha[p]]?.action, 'accept', `${p} was never sent`);
  assert.equal((await env.requests())['POST /api/assets'] - uploadsBefore, sent.length, 'only the files outside skip/ sent');
  const view = (await backupFolders(page)).find((f) => f.id === folder.id);
  assert.deepEqual(counts(view), { files: sent.length, backedUp: sent.length, waiting: 0, failed: 0, skipped: 0 }, JSON.stringify(view));
  // Not added to any album: the option is off.
  const albums = await env.api('/api/albums');
  assert.ok(!albums.some((a) => a.albumName === 'Camera'), JSON.stringify(albums.map((a) => a.albumName)));
});
