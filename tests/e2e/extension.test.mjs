// The browser extension (dist/extension/), loaded unpacked, against a server that sends no CORS
// headers (a stock Immich): log in through the host permission, back up a folder whose worker is
// stopped mid-run with no page open and woken by its own alarm, the files waiting on the badge,
// live updates over the socket the session cookie authorizes, and the toolbar popup's Back up
// (a large file left to the worker: Background Fetch does not reach such a server).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startExtension } from './extension-helpers.mjs';
import { writeTree, addOpfsFolder } from './folder-helpers.mjs';
import { waitFor, saveSettings, uploadsSeen, readLogs } from './service-helpers.mjs';
import { call, libraryView, passwordLogin, upload } from './sync-helpers.mjs';

const FILES = 30;
let env;
before(async () => {
  env = await startExtension({ uploadDelayMs: 400 });
});
after(async () => {
  await env?.stop();
});

const badge = async () => (await env.worker()).evaluate(() => chrome.action.getBadgeText({}));
const sizes = (prefix, count) => Object.fromEntries(
  Array.from({ length: count }, (_, i) => [`${prefix}/IMG_${String(i).padStart(4, '0')}.jpg`, 8_000 + i * 997]),
);

test('the server sends no CORS headers: the extension is not let in by them', async () => {
  const res = await fetch(`${env.serverUrl}/api/server/ping`, { headers: { origin: env.origin } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

test('log in, back up a folder: the worker stopped mid-run with no page open is woken by its alarm, every file once', { timeout: 240_000 }, async () => {
  await env.grantServer();
  const page = await env.openOptions();
  assert.equal(await page.inputValue('#server-url'), '', 'the extension offers no server of its own');
  await passwordLogin(env);
  assert.match(await page.textContent('#login-status'), /^Connected to http:\/\/127\.0\.0\.1:\d+\/api as /);

  const written = await writeTree(page, 'Camera', sizes('2026', FILES));
  await addOpfsFolder(page, 'Camera');
  // One upload at a time, so the stop below cuts off at most one.
  await saveSettings(page, { backgroundBackup: true, parallelUploads: 1 });
  await page.click('#backup-start');
  await waitFor(async () => (await uploadsSeen(env)) >= 3, { timeout: 60_000, interval: 50, message: 'the run started' });
  const waiting = Number(await badge());
  const sent = await uploadsSeen(env);
  assert.ok(waiting < FILES && waiting >= FILES - sent, `the badge shows the ${waiting} files waiting (${sent} sent)`);

  // With no page open, nothing but the browser's own wake-ups brings the worker back.
  await page.close();
  await waitFor(async () => (await (await env.worker()).evaluate(() => chrome.alarms.get('immich-backup'))) ?? null,
    { timeout: 10_000, message: 'the worker set its wake-up alarm' });
  await env.stopWorker();
  const atStop = await uploadsSeen(env);
  assert.ok(atStop < FILES, `stopped mid-run (${atStop} uploads)`);
  const stoppedAt = Date.now();

  await waitFor(async () => (await uploadsSeen(env)) > atStop + 1,
    { timeout: 90_000, interval: 200, message: 'the alarm woke the worker and the run went on' });
  const wokenAfterMs = Date.now() - stoppedAt;
  console.log(`uploads went on ${wokenAfterMs} ms after the stop (alarms fire 30 s on at the soonest)`);
  assert.ok(wokenAfterMs >= 20_000, `woken by the alarm, not at once: ${wokenAfterMs} ms`);

  const stats = await waitFor(async () => {
    const s = await env.api('/api/assets/statistics');
    return s.total === FILES ? s : null;
  }, { timeout: 120_000, interval: 250, message: `all ${FILES} files on the server` });
  assert.equal(stats.total, FILES);
  const arrivals = await env.uploadArrivals();
  const sends = Object.values(written).map((sha) => arrivals[sha] ?? 0);
  assert.ok(sends.every((n) => n >= 1), 'every file reached the server');
  assert.ok(sends.filter((n) => n > 1).length <= 1, `only the upload the stop cut off went twice: ${sends}`);
  assert.equal((await env.requests()).sameFileConcurrent, 0);
  await waitFor(async () => (await badge()) === '', { timeout: 15_000, message: 'no badge once none wait' });
  // notifications as in the PWA: the total progress, shown by the extension's worker
  const notes = await (await env.worker()).evaluate(async () => (await self.registration.getNotifications())
    .map((n) => ({ tag: n.tag, title: n.title, body: n.body })));
  assert.ok(notes.some((n) => n.tag === 'immich-backup-total' && /^Backed up \d+ photos$/.test(n.body)), `notifications: ${JSON.stringify(notes)}`);
});

test('the toolbar popup shows the backup and its Back up sends new files', { timeout: 120_000 }, async () => {
  const popup = await env.openPopup();
  await waitFor(async () => (await popup.textContent('#popup-status')) === 'Everything is backed up',
    { timeout: 15_000, message: 'the popup says all is backed up' });
  assert.equal(await popup.isDisabled('#popup-start'), false);
  assert.equal(await popup.isDisabled('#popup-stop'), true);

  // With the options page open a file of at least backgroundFetchMinMb would go by Background
  // Fetch, which fails from an extension to a server with no CORS: the page leaves it to the
  // worker at once.
  const page = await env.openOptions();
  await saveSettings(page, { backgroundFetchMinMb: 1 });
  const written = await writeTree(page, 'Camera', { ...sizes('2026-12', 2), '2026-12/clip.mp4': 3 * 1024 * 1024 });
  await popup.click('#popup-start');
  await waitFor(async () => (await env.api('/api/assets/statistics')).total === FILES + 3,
    { timeout: 60_000, interval: 250, message: 'the 3 new files backed up' });
  await waitFor(async () => (await popup.textContent('#popup-status')) === 'Everything is backed up',
    { timeout: 15_000, message: 'the popup follows the run to its end' });
  const arrivals = await env.uploadArrivals();
  assert.deepEqual(Object.values(written).map((sha) => arrivals[sha] ?? 0), [1, 1, 1], 'each new file sent once');
  const logs = (await readLogs(page)).map((e) => `${e.level} ${e.message}`);
  assert.ok(logs.some((l) => /^INFO clip\.mp4: Background Fetch could not start \(an extension cannot/.test(l)), logs.join('\n'));
  assert.ok(!logs.some((l) => l.startsWith('WARNING')), `no warning: ${logs.join('\n')}`);
  await page.close();
  await popup.close();
});

test('live updates arrive over the socket the session cookie authorizes; logout removes the cookie', { timeout: 120_000 }, async () => {
  const page = await env.openOptions();
  const cookie = await (await env.worker()).evaluate((url) => chrome.cookies.get({ url, name: 'immich_access_token' }), env.serverUrl);
  assert.ok(cookie, 'the worker set the session cookie');
  assert.equal(cookie.sameSite, 'no_restriction');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  await waitFor(async () => (await call(env, 'GET', '/api/fake-immich/sockets')).sockets.some((s) => s.sessionId),
    { timeout: 30_000, interval: 100, message: "a socket authorized as this login's session" });

  const id = await upload(env, 'from-another-client.jpg');
  await waitFor(async () => (await libraryView(page)).days.some((d) => d.assets.some((a) => a.id === id)),
    { timeout: 20_000, interval: 100, message: 'the upload of another client shown by its event' });

  await page.click('#logout');
  await waitFor(async () => (await page.textContent('#login-status')) === 'Logged out', { timeout: 15_000, message: 'logged out' });
  const gone = await (await env.worker()).evaluate((url) => chrome.cookies.get({ url, name: 'immich_access_token' }), env.serverUrl);
  assert.equal(gone, null, 'the session cookie is gone with the login');
  assert.deepEqual(env.pageErrors.map(String), []);
});
