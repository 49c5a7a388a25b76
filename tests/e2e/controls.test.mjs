// The foreground controls, as a person uses them: Pause holds the run where it is and Resume
// goes on with the same numbers; Cancel (after a confirmation) leaves in the queue only what was
// sent; a file the server refused for good is listed with the server's reason, Retry failed
// backs it up, and "Backups have been failing since" shows from that run until one without a
// failure; files picked while a run goes join it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos, sha1 } from './harness.mjs';
import { addFault, fileIssues, messages, unchangedFor, uploadsSeen, waitFor, waitForText } from './service-helpers.mjs';

// Each upload takes a while, so a person has time to press a button mid-run.
const env = startForTests({ uploadDelayMs: 300 });

const counts = async () => ({ uploads: await uploadsSeen(env), stored: (await env.statistics()).total });

/** Presses Back up and waits until `done` of `total` queued files are backed up. */
async function backUpUntil(total, done) {
  await env.page.evaluate(() => { window.__channel.length = 0; });
  await env.page.click('#backup-start');
  await env.page.waitForFunction(([t, n]) => window.__channel.some((m) => m.method === 'updateNotification'
    && m.args?.state?.totalCount === t && m.args.state.completedCount >= n), [total, done], { timeout: 60_000, polling: 50 });
}

test('Pause holds the run, Resume goes on with the same numbers', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('pause', 12);
  await env.openWithQueued(files);
  await backUpUntil(12, 2);
  assert.equal(await page.isDisabled('#backup-pause'), false, 'Pause is on while the run goes');
  await page.click('#backup-pause');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'paused', JSON.stringify(stop));
  await page.waitForFunction(() => !document.getElementById('backup-resume').disabled, null, { timeout: 15_000 });
  assert.equal(await page.isDisabled('#backup-pause'), true, 'Pause is off while paused');
  await waitForText(page, '#service-status', /Backup paused/);
  const paused = await env.uploadState();
  assert.ok(paused.completedCount >= 2 && paused.completedCount < 12, JSON.stringify(paused));
  const held = await unchangedFor(counts, 3_000, 'the uploads while paused');
  assert.equal(held.stored, paused.completedCount, 'every upload answered before the stop is counted');
  assert.deepEqual(await env.uploadState(), paused, 'nothing moves while paused');

  const heard = (await env.channel()).length;
  await page.click('#backup-resume');
  const second = await env.waitForStop(2);
  assert.equal(second.args.reason, 'completed', JSON.stringify(second));
  const progress = (await env.channel()).slice(heard)
    .filter((m) => m.method === 'updateNotification' && m.args?.state);
  assert.ok(progress.length > 0, 'progress after Resume');
  for (const m of progress) {
    assert.equal(m.args.state.totalCount, 12, JSON.stringify(m.args.state));
    assert.ok(m.args.state.completedCount >= paused.completedCount,
      `the numbers are kept: ${m.args.state.completedCount} after ${paused.completedCount}`);
  }
  assert.deepEqual(await counts(), { uploads: 12, stored: 12 }, 'each file sent once');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  await waitForText(page, '#total-text', /^12 of 12 backed up$/);
});

test('Cancel asks first, then the queue and the server hold only what was sent', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = await counts();
  const files = photos('cancel', 12);
  await env.pickFiles(files);
  await backUpUntil(12, 3);
  const dialogs = [];
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.accept();
  });
  await page.click('#backup-cancel');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'cancelled', JSON.stringify(stop));
  assert.deepEqual(dialogs, ['Cancel the backup? Files not yet sent leave the queue.']);

  const held = await unchangedFor(counts, 2_000, 'the uploads after Cancel');
  const sent = held.stored - before.stored;
  assert.equal(held.uploads - before.uploads, sent, 'each sent file once');
  assert.ok(sent >= 3 && sent < 12, `cancelled mid-run after ${sent} files`);
  const known = Object.values(await env.checkChecksums(files.map((f) => sha1(f.buffer))));
  assert.equal(known.filter((r) => r?.reason === 'duplicate').length, sent, 'the server holds only the files sent');
  const state = await waitFor(async () => {
    const s = await env.uploadState();
    return s.totalCount === sent && s;
  }, { message: async () => `the queue holds only the sent files: ${JSON.stringify(await env.uploadState())}` });
  assert.equal(state.completedCount, sent, JSON.stringify(state));
  await waitForText(page, '#total-text', new RegExp(`^${sent} of ${sent} backed up$`));
  assert.equal(await page.isDisabled('#backup-cancel'), true, 'nothing left to cancel');
  assert.equal((await messages(page, 'serviceState')).at(-1)?.args?.phase, 'idle');
});

test('a refused file is listed with the reason, Retry failed backs it up, failing since comes and goes', { timeout: 120_000 }, async () => {
  const { page } = env;
  const files = photos('refused', 4);
  await env.pickFiles(files);
  await addFault(env, { status: 400, message: 'Unsupported file type (injected)' });
  await page.evaluate(() => { window.__channel.length = 0; });
  await page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal(stop.args.message, 'Backed up 3 photos, 1 failed');

  const issues = (await fileIssues(page)).filter((i) => !i.skipped);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  const [issue] = issues;
  assert.match(issue.reason, /400.*Unsupported file type \(injected\)/, issue.reason);
  await waitForText(page, '#file-issues', new RegExp(`${issue.name.replace('.', '\\.')} — failed: .*Unsupported file type \\(injected\\)`));
  await page.waitForFunction(() => {
    const retry = document.getElementById('retry-failed');
    return !retry.hidden && !retry.disabled;
  }, null, { timeout: 15_000 });
  await waitForText(page, '#backup-failing', /^Backups have been failing since /);
  assert.equal(await page.isVisible('#backup-failing'), true);
  const refused = files.find((f) => f.name === issue.name);
  assert.equal((await env.checkChecksums([sha1(refused.buffer)]))[sha1(refused.buffer)]?.action, 'accept',
    'the refused file is not on the server');

  const uploads = await uploadsSeen(env);
  await page.click('#retry-failed');
  const second = await env.waitForStop(2);
  assert.equal(second.args.reason, 'completed', JSON.stringify(second));
  assert.match(second.args.message, /^Backed up \d+ photos?$/, 'nothing failed');
  assert.equal((await env.uploadState()).failedCount, 0);
  assert.equal(await uploadsSeen(env), uploads + 1, 'the failed file is sent again, and only it');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  await page.waitForFunction(() => document.getElementById('file-issues').hidden
    && document.getElementById('retry-failed').hidden
    && document.getElementById('backup-failing').hidden, null, { timeout: 15_000 })
    .catch(async () => assert.fail(`issues "${await page.textContent('#file-issues')}", failing "${await page.textContent('#backup-failing')}"`));
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});

test('files picked while a run goes join it: every file sent once, in the same run', { timeout: 120_000 }, async () => {
  const first = photos('first', 6);
  const more = photos('more', 4);
  await env.pickFiles(first);
  const before = await counts();
  // The first uploads are held long enough for the second pick to land while they are out.
  await addFault(env, { path: '/api/assets', delayMs: 5_000, count: 3 });
  await backUpUntil(6, 0);
  await env.pickFiles(more);
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.equal(stop.args.message, 'Backed up 10 photos');
  const state = await env.uploadState();
  assert.deepEqual([state.totalCount, state.completedCount], [10, 10], JSON.stringify(state));
  const after = await counts();
  assert.deepEqual({ uploads: after.uploads - before.uploads, stored: after.stored - before.stored },
    { uploads: 10, stored: 10 }, 'each file sent once');
  assert.ok(await env.holdsAll([...first, ...more].map((f) => f.buffer)), 'every file on the server');
  const stops = (await env.channel()).filter((m) => m.method === 'systemStop');
  assert.equal(stops.length, 1, `one run: ${JSON.stringify(stops)}`);
});
