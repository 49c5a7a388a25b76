// Files dropped on the drop zone are queued (the folder picker needs a user gesture and a real
// folder, so only its presence is checked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests } from './harness.mjs';

const env = startForTests({ open: true });

test('dropping files queues them; the folder button is offered', { timeout: 60_000 }, async () => {
  const { page } = env;
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([1, 2, 3])], 'dropped-1.jpg', { type: 'image/jpeg' }));
    dt.items.add(new File([new Uint8Array([4, 5, 6, 7])], '<img src=x onerror=alert(1)>.jpg', { type: 'image/jpeg' }));
    return dt;
  });
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
  await page.waitForFunction(() => document.getElementById('queue-status').textContent === '2 files queued'
    || !document.getElementById('files-error').hidden, null, { timeout: 15_000 });
  assert.equal(await page.textContent('#queue-status'), '2 files queued');
  const state = await env.uploadState();
  assert.equal(state.totalCount, 2);
  assert.match(await page.textContent('#total-text'), /^0 of 2 backed up/);
  assert.equal(await page.isVisible('#pick-folder'), true, 'showDirectoryPicker is available in Chromium');
  assert.equal(await page.$('#files img'), null, 'file names are never parsed as HTML');
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
