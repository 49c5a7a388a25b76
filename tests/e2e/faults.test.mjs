// What a server or a proxy in front of it can do wrong, and what the user sees: a body that
// never comes after the headers is timed out, a redirect is never followed (it would carry the
// API key elsewhere), and an error page that echoes the request headers is redacted and cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, startForTests, photos } from './harness.mjs';

// The page's origin forwards /api to the fault proxy, which forwards to fake-immich.
const env = startForTests({ faultProxy: true });

const readLogs = () => env.page.evaluate(async () => {
  const ib = await import(new URL('pkg/immich_background.js', location.href).href);
  return ib.readLogs();
});

async function backUp(files) {
  await env.pickFiles(files);
  await env.page.evaluate(() => { window.__channel.length = 0; });
  await env.page.click('#backup-start');
  return env.waitForStop();
}

test('a check whose body never comes is timed out, and the run goes on', { timeout: 120_000 }, async () => {
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '');
  env.proxy.stallNextBody('/api/assets/bulk-upload-check', 600_000);
  const files = photos('stalled', 3);
  const stop = await backUp(files);
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const logs = await readLogs();
  assert.ok(logs.some((l) => /no answer within 20 s/.test(l.message)),
    `the timeout is logged: ${JSON.stringify(logs.map((l) => l.message))}`);
});

test('a redirect is not followed: the run ends saying so', { timeout: 60_000 }, async () => {
  env.proxy.redirectNext('/api/assets/bulk-upload-check', `${env.proxy.url}/steal`);
  const stop = await backUp(photos('redirected', 2));
  assert.equal(stop.args.reason, 'failed', JSON.stringify(stop));
  assert.match(stop.args.message, /redirect/);
  assert.ok(!env.proxy.requests.some((r) => r.path.startsWith('/steal')), 'nothing went to the redirect target');
  assert.match(await env.page.textContent('#backup-error'), /redirect/);
});

test('an error page echoing the request headers never shows the key, and is cut', { timeout: 60_000 }, async () => {
  const { page } = env;
  env.proxy.echoHeadersNext('/api/assets', 400);
  const [file] = photos('echoed', 1);
  const stop = await backUp([file]);
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  // The files the redirected run left are still queued and go first: whichever is sent first
  // gets the error page.
  await page.waitForFunction(() => / — failed: /.test(document.getElementById('file-issues').textContent),
    null, { timeout: 5_000 })
    .catch(async () => assert.fail(`#file-issues: ${await page.textContent('#file-issues')}`));
  const [issue] = (await page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.fileIssues();
  })).filter((i) => !i.skipped);
  assert.ok(issue.reason.includes('[redacted]') && !issue.reason.includes(API_KEY), issue.reason);
  assert.ok(issue.reason.length < 400, `cut: ${issue.reason.length} characters`);
  for (const line of await readLogs()) {
    assert.ok(!line.message.includes(API_KEY), `no key in the log: ${line.message}`);
    assert.ok(line.message.length < 600, `no line floods the log: ${line.message.length} characters`);
  }
  const shown = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => `${n.title} ${n.body}`);
  });
  assert.ok(shown.every((text) => !text.includes(API_KEY)), JSON.stringify(shown));
  assert.ok(!(await page.textContent('body')).includes(API_KEY), 'no key on the page');
});
