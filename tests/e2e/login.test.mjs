// Login errors are clear, never show the key, and queue nothing as failed. Across origins (the
// page on its own, the server on another that admits it by CORS), the one test of that set-up:
// a backup goes through as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startForTests, photos } from './harness.mjs';

const env = startForTests({ open: true, crossOrigin: true });

async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

test('a wrong API key is refused with a clear message that does not show the key', { timeout: 60_000 }, async () => {
  const wrongKey = 'wrong-key-0123456789abcdef';
  const r = await env.login({ key: wrongKey });
  assert.match(r.error, /API key/i, `#login-error: ${r.error}`);
  assert.ok(!r.error.includes(wrongKey), `the key appears in the error: ${r.error}`);
  assert.doesNotMatch(r.status, /^Connected/);
  assert.equal(await env.page.isDisabled('#backup-start'), true, 'Back up stays disabled');

  const state = await env.uploadState();
  assert.equal(state.failedCount, 0, `uploadState after a wrong key: ${JSON.stringify(state)}`);
  const logs = await env.page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.readLogs();
  });
  assert.ok(!JSON.stringify(logs).includes(wrongKey), 'the key appears in the log');
  assert.ok(!(await env.page.textContent('body')).includes(wrongKey), 'the key appears on the page');
});

test('a remote http:// URL is refused: https is required', { timeout: 60_000 }, async () => {
  const r = await env.login({ url: 'http://example.com' });
  assert.match(r.error, /https/i, `#login-error: ${r.error}`);
  assert.doesNotMatch(r.status, /^Connected/);
});

test('an unreachable server is reported as such', { timeout: 60_000 }, async () => {
  const port = await closedPort();
  const r = await env.login({ url: `http://127.0.0.1:${port}` });
  assert.match(r.error, /unreachable|not reach|cannot reach|can't reach|could not connect|cannot connect|no answer|not respond/i, `#login-error: ${r.error}`);
  assert.doesNotMatch(r.status, /^Connected/);
});

test('the right key after the failures connects, and nothing was queued as failed', { timeout: 60_000 }, async () => {
  const r = await env.login();
  assert.equal(r.error, '');
  assert.match(r.status, /^Connected to /);
  const state = await env.uploadState();
  assert.equal(state.failedCount, 0);
  assert.equal(state.totalCount, 0);
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});

test('across origins a backup goes through, the server admitting the page by CORS', { timeout: 60_000 }, async () => {
  assert.notEqual(new URL(env.pageServerUrl).origin, new URL(env.wwwUrl).origin, 'the server is on another origin');
  const files = photos('across', 3);
  await env.pickFiles(files);
  await env.page.evaluate(() => { window.__channel.length = 0; });
  await env.page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
});
