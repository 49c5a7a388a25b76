// The library sync through the same-origin proxy: a first sync of 5,000 assets, incremental
// syncs after another client changed the server, a sync with nothing new, a worker stopped in
// the middle of a sync, and logout wiping the mirror. The page is never reloaded: the library
// view follows the worker's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';
import {
  call, clearChannel, libraryView, mirrorCounts, mirroredIds, passwordLogin, secondUser, syncEnded,
  syncNow, upload, uploadMany,
} from './sync-helpers.mjs';

const env = startForTests({ open: true });
const FIRST = 5_000;
let firstIds = [];

test('a password login syncs the whole library: 5,000 assets with their exif', async () => {
  firstIds = await uploadMany(env, 'first', FIRST);
  await clearChannel(env.page);
  await passwordLogin(env);
  const ended = await syncEnded(env.page, 120_000);
  assert.equal(ended.failed, false, ended.message);
  const view = await libraryView(env.page);
  assert.equal(view.counts.timeline, FIRST);
  assert.equal(view.counts.photos, FIRST);
  const counts = await mirrorCounts(env.page);
  assert.equal(counts.remote_assets, FIRST);
  assert.equal(counts.remote_exif, FIRST);
  assert.deepEqual(new Set(await mirroredIds(env.page)), new Set(firstIds));
  // the page shows it without a reload
  const shown = await env.page.textContent('#library-counts');
  assert.match(shown, new RegExp(`^${FIRST} photos`));
  assert.equal(await env.page.locator('#timeline li.asset').count() > 0, true);
});

test('changes made by another client reach the mirror and the view', async () => {
  const [kept, trashed, deleted, restored] = firstIds;
  const added = [await upload(env, 'new-a.jpg'), await upload(env, 'new-b.jpg')];
  await call(env, 'DELETE', '/api/assets', { ids: [trashed, restored] });
  await call(env, 'POST', '/api/trash/restore/assets', { ids: [restored] });
  await call(env, 'DELETE', '/api/assets', { ids: [deleted], force: true });
  await call(env, 'PUT', `/api/assets/${kept}`, { isFavorite: true });
  const album = await call(env, 'POST', '/api/albums', { albumName: 'Trip', assetIds: added });
  const partner = await secondUser(env);
  const partnerAsset = await upload(env, 'partner.jpg', partner.auth);
  const me = await call(env, 'GET', '/api/users/me');
  await call(env, 'POST', '/api/partners', { sharedWithId: me.id }, partner.auth);

  const ended = await syncNow(env.page);
  assert.equal(ended.failed, false, ended.message);
  const view = await libraryView(env.page);
  const timeline = view.days.flatMap((day) => day.assets.map((a) => a.id));
  assert.equal(view.counts.timeline, FIRST + 2 - 2, 'two added, one trashed, one deleted');
  for (const id of [...added, kept, restored]) assert.ok(timeline.includes(id), id);
  for (const id of [trashed, deleted, partnerAsset]) assert.ok(!timeline.includes(id), id);
  assert.deepEqual(view.trash.map((a) => a.id), [trashed]);
  assert.ok(view.days.flatMap((d) => d.assets).find((a) => a.id === kept).isFavorite);
  assert.deepEqual(view.albums.map((a) => [a.name, a.count]), [['Trip', 2]]);
  assert.deepEqual(view.partners.map((p) => [p.name, p.assets.length]), [['Partner User', 1]]);
  assert.equal((await mirroredIds(env.page)).includes(deleted), false);

  // album edits and the partner leaving
  await call(env, 'DELETE', `/api/albums/${album.id}/assets`, { ids: [added[1]] });
  await call(env, 'DELETE', `/api/partners/${me.id}`, undefined, partner.auth);
  const again = await syncNow(env.page);
  assert.equal(again.failed, false, again.message);
  const after = await libraryView(env.page);
  assert.deepEqual(after.albums.map((a) => [a.name, a.count]), [['Trip', 1]]);
  assert.deepEqual(after.partners, []);
  await env.page.waitForFunction(() => document.getElementById('library-counts').textContent.includes('0 partners'));
});

test('a sync with nothing new writes nothing', async () => {
  const before = await mirrorCounts(env.page);
  const ended = await syncNow(env.page);
  assert.equal(ended.failed, false, ended.message);
  const messages = await env.page.evaluate(() => window.__channel.map((m) => m.method));
  assert.equal(messages.includes('libraryChanged'), false, 'no batch was committed');
  assert.deepEqual(await mirrorCounts(env.page), before);
});

test('logout wipes the mirror; a worker stopped mid-sync resumes with nothing missing or doubled', async () => {
  await env.page.click('#logout');
  await env.page.waitForFunction(() => document.getElementById('login-status').textContent === 'Logged out');
  const wiped = await mirrorCounts(env.page);
  assert.deepEqual(Object.values(wiped), [0, 0, 0, 0, 0, 0]);
  assert.equal((await libraryView(env.page)).counts.timeline, 0);

  // The first ack is held by the server for 5 s, so the sync is sure to be mid-stream when the
  // worker is stopped right after its first committed batch.
  await call(env, 'POST', '/api/fake-immich/faults', { path: '/api/sync/ack', delayMs: 5_000, count: 1 });
  await clearChannel(env.page);
  await passwordLogin(env);
  await env.page.waitForFunction(() => window.__channel.some((m) => m.method === 'libraryChanged'), null,
    { timeout: 60_000, polling: 10 });
  await env.stopWorker();
  const partial = (await mirrorCounts(env.page)).remote_assets;
  assert.ok(partial > 0 && partial < FIRST, `stopped after ${partial} assets`);
  const ended = await syncNow(env.page);
  assert.equal(ended.failed, false, ended.message);
  const ids = await mirroredIds(env.page);
  assert.equal(ids.length, new Set(ids).size);
  const stats = await call(env, 'GET', '/api/assets/statistics');
  const view = await libraryView(env.page);
  assert.equal(view.counts.timeline, stats.total, `resumed from ${partial} assets`);
  assert.equal(view.counts.trashed, 1);
});
