// Files and folders that go away: a file of a backup folder deleted while the run goes on (before
// its upload) fails with a reason that says it is gone, and the rest complete; a backup folder
// deleted itself is reported missing in the page's list and the log, and what it backed up
// stays recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';
import { waitFor, uploadsSeen, fileIssues, readLogs } from './service-helpers.mjs';
import { writeTree, addOpfsFolder, backupFolders, lastRunNumbers, removeOpfs, counts } from './folder-helpers.mjs';

// Each upload waits 2 s at the server before its body is read: once three are there (the most
// on their way at once), none other starts for a while, so a file the server has not seen is
// not on its way and can be deleted before its turn.
const env = startForTests({ uploadDelayMs: 2_000 });

const FILES = 16;

test('a file deleted from its folder during the run fails as gone; the others are backed up', { timeout: 120_000 }, async () => {
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '', 'logged in');
  const { page } = env;
  const tree = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`Gone/IMG_${String(i).padStart(4, '0')}.jpg`, 8_000 + i * 500]));
  const sha = await writeTree(page, 'Phone', tree);
  await addOpfsFolder(page, 'Phone');
  await page.click('#backup-start');
  await waitFor(async () => (await uploadsSeen(env)) >= 3, { timeout: 30_000, interval: 20, message: '3 uploads at the server' });

  // A file whose upload has not reached the server: not one of the three on their way.
  const arrivals = await env.uploadArrivals();
  const victim = Object.keys(tree).reverse().find((p) => !arrivals[sha[p]]);
  assert.ok(victim, 'a file still to be sent');
  await removeOpfs(page, 'Phone', victim);
  const sentBefore = await uploadsSeen(env);
  assert.ok(sentBefore < FILES - 1, `the file is deleted while the run goes on (${sentBefore} uploads so far)`);
  console.log(`deleted ${victim} after ${sentBefore} uploads (on their way: ${Object.keys(arrivals).length})`);

  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  const kept = Object.keys(tree).filter((p) => p !== victim);
  const known = await env.checkChecksums(kept.map((p) => sha[p]));
  for (const p of kept) assert.equal(known[sha[p]]?.reason, 'duplicate', `${p} is on the server`);
  assert.equal((await env.checkChecksums([sha[victim]]))[sha[victim]].action, 'accept', 'the deleted file never reached the server');
  const requests = await env.requests();
  assert.equal(requests['POST /api/assets'], FILES - 1, 'each other file sent once, the deleted one not at all');

  const issues = await fileIssues(page);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0].name, victim.split('/').pop());
  assert.equal(issues[0].skipped, false, 'a failure, not a skip');
  assert.match(issues[0].reason, /gone from its folder/, `the reason says the file is gone: ${issues[0].reason}`);
  const [view] = await backupFolders(page);
  assert.deepEqual(counts(view), { files: FILES, backedUp: FILES - 1, waiting: 0, failed: 1, skipped: 0 }, JSON.stringify(view));
  const state = await lastRunNumbers(page);
  assert.deepEqual([state?.totalCount, state?.completedCount, state?.failedCount], [FILES, FILES - 1, 1],
    `the run's last numbers: ${JSON.stringify(state)}`);
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});

test('a backup folder that is gone is reported missing; its records stay', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = await uploadsSeen(env);
  const sha = await writeTree(page, 'Trip', { 'IMG_1.jpg': 9_000, 'IMG_2.jpg': 11_000, 'day2/IMG_3.jpg': 12_000, 'notes.txt': 100 });
  const folder = await addOpfsFolder(page, 'Trip');
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  const first = await env.waitForStop();
  assert.equal(first.args.reason, 'completed', JSON.stringify(first));
  assert.equal(await uploadsSeen(env), before + 3, 'the three photos sent');
  const byId = async () => (await backupFolders(page)).find((f) => f.id === folder.id);
  assert.deepEqual(counts(await byId()), { files: 3, backedUp: 3, waiting: 0, failed: 0, skipped: 1 });

  // The folder itself is deleted (as a folder moved or renamed on disk is no longer found).
  await removeOpfs(page, 'Trip');
  await page.click('#backup-start');
  const second = await env.waitForStop(2);
  assert.equal(await uploadsSeen(env), before + 3, 'nothing more sent');
  const view = await byId();
  assert.equal(view.state, 'missing', JSON.stringify(view));
  assert.ok(view.problem, `the page can say what the browser said: ${JSON.stringify(view)}`);
  assert.deepEqual({ files: view.files, backedUp: view.backedUp, failed: view.failed }, { files: 3, backedUp: 3, failed: 0 },
    `what the folder backed up stays recorded: ${JSON.stringify(view)}`);
  const logs = await readLogs(page);
  const line = logs.find((e) => e.message.startsWith('Backup folder "Trip" was not found'));
  assert.ok(line, `the log says the folder is missing: ${JSON.stringify(logs.map((e) => e.message))}`);
  assert.equal(line.level, 'SEVERE', JSON.stringify(line));
  const notes = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications({ tag: 'immich-backup-error' })).map((n) => `${n.title}: ${n.body}`);
  });
  assert.ok(notes.some((n) => n.includes('"Trip" is gone or was moved')), `a notification says so: ${JSON.stringify(notes)}`);
  // The folder of the first test, still there, is not reported.
  assert.ok(!logs.some((e) => e.message.startsWith('Backup folder "Phone" was not found')));
  console.log(`second run: ${JSON.stringify(second.args)}; folder: ${JSON.stringify(view)}; log: ${line.message}`);
  assert.ok(Object.values(await env.checkChecksums(['IMG_1.jpg', 'IMG_2.jpg', 'day2/IMG_3.jpg'].map((p) => sha[p]))).every((r) => r.reason === 'duplicate'));
});
