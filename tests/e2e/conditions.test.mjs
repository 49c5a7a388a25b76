// "Only while charging": the page reports the battery (here a fake one the test plugs and
// unplugs, as a person would), the worker stops a run that loses charging after the request on
// its way (systemStop conditionsLost), sends nothing while unplugged, and goes on when plugged in
// again, the same run, not from zero; a run asked for while unplugged waits for charging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';
import {
  installFakeBattery, setCharging, saveSettings, waitFor, unchangedFor, uploadsSeen, messages, waitForText,
} from './service-helpers.mjs';

// Each upload takes a while, so the run is still going when the test unplugs.
const env = startForTests({ uploadDelayMs: 250 });

const lastServiceState = async (page) => (await messages(page, 'serviceState')).at(-1)?.args;

test('charging lost mid-run: the run stops, nothing is sent, and it goes on when plugged in', { timeout: 150_000 }, async () => {
  await installFakeBattery(env.context);
  const { page } = env;
  const files = photos('charge', 15);
  await env.openWithQueued(files);
  await saveSettings(page, { backupRequireCharging: true });
  await page.evaluate(() => { window.__channel.length = 0; });

  await env.backUpUntil(3);
  await setCharging(page, false);
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'conditionsLost', JSON.stringify(stop));
  assert.match(stop.args.message, /charging/, stop.args.message);
  const stoppedAt = (await env.uploadState()).completedCount;
  assert.ok(stoppedAt >= 3 && stoppedAt < 15, `stopped mid-run: ${stoppedAt} of 15 done`);

  // the page says what it waits for
  await waitForText(page, '#service-status', /Waiting for charging/);
  await waitForText(page, '#status', /waiting for charging/);
  const waiting = await lastServiceState(page);
  assert.equal(waiting.phase, 'waitingForConditions', JSON.stringify(waiting));
  assert.deepEqual(waiting.unmet, ['charging'], JSON.stringify(waiting));
  assert.equal(waiting.charging, false, JSON.stringify(waiting));
  assert.equal(await page.isDisabled('#backup-cancel'), false, 'what waits can be cancelled');

  // nothing more goes to the server while unplugged (the upload on its way at the stop was
  // answered before the systemStop)
  const counts = async () => ({ uploads: await uploadsSeen(env), stored: (await env.statistics()).total });
  const held = await unchangedFor(counts, 3_000, 'the uploads while unplugged');
  assert.equal(held.stored, held.uploads, 'every upload so far created a file');
  assert.ok(held.stored < 15, `files left to send: ${JSON.stringify(held)}`);

  // plugged in: the same run goes on from where it stopped
  const heard = (await env.channel()).length;
  await setCharging(page, true);
  const second = await env.waitForStop(2);
  assert.equal(second.args.reason, 'completed', JSON.stringify(second));
  const after = (await env.channel()).slice(heard);
  const progress = after.filter((m) => m.method === 'updateNotification' && m.args?.state);
  assert.ok(progress.length > 0, 'progress after plugging in');
  for (const m of progress) {
    assert.equal(m.args.state.totalCount, 15, `the same queue: ${JSON.stringify(m.args.state)}`);
    assert.ok(m.args.state.completedCount >= stoppedAt,
      `not from zero: ${m.args.state.completedCount} after ${stoppedAt} done before the stop`);
  }
  assert.equal((await env.statistics()).total, 15, 'every file on the server');
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  assert.equal(await uploadsSeen(env), 15, 'each file sent once');
  await waitForText(page, '#total-text', /^15 of 15 backed up$/);
  assert.equal((await lastServiceState(page)).phase, 'idle');
});

test('a backup asked for while unplugged waits for charging, and starts when plugged in', { timeout: 120_000 }, async () => {
  const { page } = env;
  const before = { uploads: await uploadsSeen(env), stored: (await env.statistics()).total };
  await setCharging(page, false);
  await waitFor(async () => (await lastServiceState(page))?.charging === false,
    { message: 'the worker hears the page is unplugged' });
  const files = photos('unplugged', 6);
  await env.pickFiles(files);
  await page.evaluate(() => { window.__channel.length = 0; });

  await page.click('#backup-start');
  const waiting = await waitFor(async () => {
    const s = await lastServiceState(page);
    return s?.phase === 'waitingForConditions' && s;
  }, { message: async () => `phase waitingForConditions: ${JSON.stringify(await messages(page, 'serviceState'))}` });
  assert.deepEqual(waiting.unmet, ['charging'], JSON.stringify(waiting));
  await waitForText(page, '#service-status', /Waiting for charging/);
  const counts = async () => ({ uploads: await uploadsSeen(env), stored: (await env.statistics()).total });
  assert.deepEqual(await unchangedFor(counts, 3_000, 'the uploads while unplugged'), before, 'nothing was sent');
  assert.equal((await messages(page, 'initialized')).length, 0, 'no run started');

  await setCharging(page, true);
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file on the server');
  assert.equal((await env.statistics()).total, before.stored + 6);
  assert.equal(await uploadsSeen(env), before.uploads + 6, 'each file sent once');
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
