// The settings form: the seven settings load, save, and a refused value shows the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';

const env = startForTests({ open: true });

const KEYS = ['backgroundBackup', 'backupRequireWifi', 'backupRequireCharging', 'backupTriggerDelay',
  'backgroundBackupTotalProgress', 'backgroundBackupSingleProgress', 'uploadErrorNotificationGracePeriod'];

const form = (page) => page.evaluate((keys) => {
  const f = document.getElementById('settings-form');
  return Object.fromEntries(keys.map((k) => {
    const el = f.elements.namedItem(k);
    return [k, el.type === 'checkbox' ? el.checked : Number(el.value)];
  }));
}, KEYS);

test('shows the defaults, refuses an invalid value with its message, saves a valid one', { timeout: 60_000 }, async () => {
  const { page } = env;
  assert.deepEqual(await form(page), {
    backgroundBackup: false,
    backupRequireWifi: true,
    backupRequireCharging: false,
    backupTriggerDelay: 30,
    backgroundBackupTotalProgress: true,
    backgroundBackupSingleProgress: false,
    uploadErrorNotificationGracePeriod: 2,
  });

  await page.fill('[name=backupTriggerDelay]', '0');
  await page.click('#settings-save');
  await page.waitForFunction(() => !document.getElementById('settings-error').hidden, null, { timeout: 10_000 });
  assert.match(await page.textContent('#settings-error'), /backupTriggerDelay/);

  await page.fill('[name=backupTriggerDelay]', '45');
  await page.check('[name=backupRequireCharging]');
  await page.click('#settings-save');
  await page.waitForFunction(() => document.getElementById('settings-status').textContent === 'Settings saved', null, { timeout: 10_000 });
  assert.equal(await page.isHidden('#settings-error'), true);

  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
  const after = await form(page);
  assert.equal(after.backupTriggerDelay, 45);
  assert.equal(after.backupRequireCharging, true);
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
