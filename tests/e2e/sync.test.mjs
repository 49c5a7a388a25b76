// The library sync through the same-origin proxy: a first sync of 5,000 assets, incremental
// syncs after another client changed the server, a sync with nothing new, a worker stopped in
// the middle of a sync, and logout wiping the mirror. The page is never reloaded: the library
// view follows the worker's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, EMAIL, PASSWORD, randomFile, startForTests } from './harness.mjs';
import {
  call, clearChannel, libraryView, mirrorCounts, mirroredIds, passwordLogin, secondUser, syncEnded,
  syncNow, upload, uploadMany,
} from './sync-helpers.mjs';
import { waitFor } from './service-helpers.mjs';

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

test('a sync with nothing new writes nothing, and the page does not read the mirror again', async () => {
  const before = await mirrorCounts(env.page);
  // the view is written whenever the page reads the mirror (a large one takes seconds); a read
  // for the last test's batches is over first
  await env.page.waitForTimeout(3_000);
  await env.page.evaluate(() => {
    window.__rendered = 0;
    new MutationObserver(() => { window.__rendered++; })
      .observe(document.getElementById('library-counts'), { childList: true, characterData: true, subtree: true });
  });
  const ended = await syncNow(env.page);
  assert.equal(ended.failed, false, ended.message);
  const messages = await env.page.evaluate(() => window.__channel.map((m) => m.method));
  assert.equal(messages.includes('libraryChanged'), false, 'no batch was committed');
  assert.deepEqual(await mirrorCounts(env.page), before);
  await env.page.waitForTimeout(1_500);
  assert.equal(await env.page.evaluate(() => window.__rendered), 0, 'the view was not read again');
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

test('the mirror answers for files already on the server; one deleted there is marked, not sent again', async () => {
  const known = randomFile(2_000);
  const sentHere = randomFile(2_000);
  const form = new FormData();
  form.append('assetData', new Blob([known]), 'known.jpg');
  for (const field of ['fileCreatedAt', 'fileModifiedAt']) form.append(field, '2026-11-20T10:00:00.000Z');
  const res = await fetch(`${env.serverUrl}/api/assets`, { method: 'POST', headers: { 'x-api-key': API_KEY }, body: form });
  assert.equal(res.status, 201);
  assert.equal((await syncNow(env.page)).failed, false);

  const before = await env.requests();
  await env.pickFiles([{ name: 'known.jpg', buffer: known }, { name: 'sent-here.jpg', buffer: sentHere }]);
  await clearChannel(env.page);
  await env.page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', stop.args.message);
  const after = await env.requests();
  const asked = (route) => (after[route] ?? 0) - (before[route] ?? 0);
  assert.equal(asked('POST /api/assets'), 1, 'only the file the server lacked is sent');
  assert.equal(asked('POST /api/assets/bulk-upload-check'), 1, 'the known file is not asked about');

  // the file sent from here is deleted on the server by another client
  await syncEnded(env.page);
  const view = await libraryView(env.page);
  const sent = view.days.flatMap((d) => d.assets).find((a) => a.name === 'sent-here.jpg');
  assert.ok(sent, 'the end of the run synced the new asset');
  await call(env, 'DELETE', '/api/assets', { ids: [sent.id], force: true });
  assert.equal((await syncNow(env.page)).failed, false);
  const gone = await libraryView(env.page);
  assert.deepEqual(gone.deletedOnServer.map((f) => f.name), ['sent-here.jpg']);
  await env.page.waitForFunction(() => document.getElementById('deleted-on-server-title').textContent === 'Deleted on the server (1)');

  // a new run sends nothing again
  const quiet = await env.requests();
  await clearChannel(env.page);
  await env.page.click('#backup-start');
  await env.waitForStop();
  assert.equal(((await env.requests())['POST /api/assets'] ?? 0) - (quiet['POST /api/assets'] ?? 0), 0);
});

test('server details are polled with their ETags: unchanged ones cost a 304', async () => {
  await env.page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    await ib.saveSettings({ ...(await ib.loadSettings()), advancedTroubleshooting: true });
  });
  assert.equal((await syncNow(env.page)).failed, false);
  // asked once the library is current, after the sync's end is shown
  const endpoints = ['/server/version', '/server/features', '/users/me'];
  let lines = [];
  const logged = async () => {
    lines = await env.page.evaluate(async () => {
      const ib = await import(new URL('pkg/immich_background.js', location.href).href);
      return (await ib.readLogs()).map((entry) => entry.message);
    });
    return endpoints.every((endpoint) => lines.includes(`GET ${endpoint}: unchanged (304)`));
  };
  await waitFor(logged, { timeout: 10_000, message: () => `each unchanged (304): ${lines.slice(-8).join(' | ')}` });
});

test('a reset asked by the server empties the mirror and fills it again, the queue untouched', async () => {
  const ids = new Set(await mirroredIds(env.page));
  const queue = await env.uploadState();
  await call(env, 'POST', '/api/fake-immich/sessions/reset-all');
  const ended = await syncNow(env.page);
  assert.equal(ended.failed, false, ended.message);
  const changes = await env.page.evaluate(() => window.__channel.filter((m) => m.method === 'libraryChanged').length);
  assert.ok(changes >= 2, 'the mirror was emptied, then filled');
  assert.deepEqual(new Set(await mirroredIds(env.page)), ids);
  assert.deepEqual(await env.uploadState(), queue);
});

test('a session revoked on the server stops the services and asks to log in again', async () => {
  const other = await call(env, 'POST', '/api/auth/login', { email: EMAIL, password: PASSWORD }, {});
  const auth = { authorization: `Bearer ${other.accessToken}` };
  const sessions = await call(env, 'GET', '/api/sessions', undefined, auth);
  const revoked = sessions.filter((session) => !session.current);
  assert.ok(revoked.length >= 1, 'the page has a session of its own');
  for (const session of revoked) await call(env, 'DELETE', `/api/sessions/${session.id}`, undefined, auth);

  const ended = await syncNow(env.page);
  assert.equal(ended.failed, true);
  assert.match(ended.message, /log in again/);
  await env.page.waitForFunction(
    () => window.__channel.some((m) => m.method === 'systemStop' && m.args.reason === 'unauthorized'),
    null, { timeout: 20_000 },
  );
  assert.match(await env.page.textContent('#sync-status'), /log in again/);
});
