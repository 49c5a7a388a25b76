// The first run, as `npm start` serves it: the page logs in to the bundled server by itself, so
// picking photos and pressing Back up is all a new user does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, randomFile } from './harness.mjs';

const env = startForTests({ autoConnect: true });

test('the demo page is connected on first load and backs up straight away', { timeout: 60_000 }, async () => {
  const { page } = env;
  await env.open();
  // Its server is its own origin, /api forwarded as a reverse proxy does.
  const origin = new URL(env.wwwUrl).origin;
  assert.ok((await page.textContent('#login-status')).startsWith(`Connected to ${origin}/api as `),
    await page.textContent('#login-status'));
  assert.equal(await page.isDisabled('#backup-start'), false);

  await env.pickFiles([1, 2, 3].map((i) => ({ name: `first-${i}.jpg`, buffer: randomFile(30_000) })));
  await page.click('#backup-start');
  await page.waitForFunction(() => window.__channel.some((m) => m.method === 'systemStop'), null, { timeout: 30_000 });
  assert.match(await page.textContent('#total-text'), /^3 of 3 backed up$/);
  assert.equal((await env.statistics()).total, 3);
  // The demo logs in with the bundled user's password (a session), so the end of the run syncs
  // the library and the page shows what the server now has.
  await page.waitForFunction(() => document.getElementById('library-counts').textContent.startsWith('3 photos'),
    null, { timeout: 30_000 });
});
