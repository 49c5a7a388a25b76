// "Advanced troubleshooting": with it on, a backup logs DEBUG entries (each request with its
// status and duration, never the API key); the log view filters by level; the .txt and .jsonl
// exports are downloads holding exactly what readLogs holds; with it off no DEBUG entry is made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { API_KEY, startForTests, photos } from './harness.mjs';
import { readLogs, saveSettings, waitFor } from './service-helpers.mjs';

const env = startForTests();

async function backUp(files) {
  await env.pickFiles(files);
  await env.page.evaluate(() => { window.__channel.length = 0; });
  await env.page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
}

/** The log once it has stopped changing (two reads in a row agree). */
async function settledLogs() {
  let last = JSON.stringify(await readLogs(env.page));
  return waitFor(async () => {
    const now = JSON.stringify(await readLogs(env.page));
    const same = now === last;
    last = now;
    return same && JSON.parse(now);
  }, { interval: 300, message: 'the log settles' });
}

/** Clicks an export button; resolves with the download's file name and text. */
async function exportLog(button) {
  const [download] = await Promise.all([env.page.waitForEvent('download', { timeout: 15_000 }), env.page.click(button)]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/** The level classes of the entries the log view shows. */
const shownLevels = () => env.page.$$eval('#log-list li', (items) => items.map((li) => li.className));

test('with advanced troubleshooting on, each request is logged at DEBUG with its status and time, never the key', { timeout: 90_000 }, async () => {
  const { page } = env;
  await env.open();
  const { error } = await env.login();
  assert.equal(error, '');
  await saveSettings(page, { advancedTroubleshooting: true });
  await backUp(photos('debug', 3));

  const logs = await settledLogs();
  const debug = logs.filter((l) => l.level === 'DEBUG').map((l) => l.message);
  assert.ok(debug.some((m) => /^Check of \d+ files? answered HTTP 200 in \d+ ms$/.test(m)), JSON.stringify(debug));
  for (let i = 0; i < 3; i++) {
    assert.ok(debug.some((m) => new RegExp(`^debug-0${i}\\.jpg: upload answered HTTP 201 in \\d+ ms: created$`).test(m)),
      `the upload of debug-0${i}.jpg: ${JSON.stringify(debug)}`);
  }
  for (const l of logs) {
    assert.ok(['DEBUG', 'INFO', 'WARNING', 'SEVERE'].includes(l.level), JSON.stringify(l));
    assert.ok(!l.message.includes(API_KEY), `no key in the log: ${l.message}`);
  }

  // the view: every level, then INFO and above
  await page.selectOption('#log-level', 'all');
  await page.click('#logs-refresh');
  await waitFor(async () => (await shownLevels()).length === logs.length, { message: async () => `all ${logs.length} entries shown: ${await shownLevels()}` });
  assert.ok((await shownLevels()).includes('DEBUG'));
  await page.selectOption('#log-level', 'INFO');
  const shown = await shownLevels();
  assert.ok(!shown.includes('DEBUG'), `no DEBUG entry at INFO: ${shown}`);
  assert.equal(shown.length, logs.filter((l) => l.level !== 'DEBUG').length, `INFO and above: ${shown}`);
  await page.selectOption('#log-level', 'all');
});

test('the .txt and .jsonl exports are downloads of what readLogs holds', { timeout: 60_000 }, async () => {
  const logs = await settledLogs();
  const txt = await exportLog('#log-export-txt');
  assert.equal(txt.name, 'immich-background-log.txt');
  assert.equal(txt.text, logs.map((l) => `${new Date(l.atMs).toISOString()} ${l.level} ${l.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`).join(''));

  const jsonl = await exportLog('#log-export-jsonl');
  assert.equal(jsonl.name, 'immich-background-log.jsonl');
  assert.ok(jsonl.text.endsWith('\n'), 'every line ends');
  const lines = jsonl.text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
  for (const entry of lines) {
    assert.equal(typeof entry.atMs, 'number', JSON.stringify(entry));
    assert.equal(typeof entry.level, 'string', JSON.stringify(entry));
    assert.equal(typeof entry.message, 'string', JSON.stringify(entry));
  }
  assert.deepEqual(lines, logs);
  assert.ok(lines.some((l) => l.level === 'DEBUG'), 'the DEBUG entries are exported too');
  assert.deepEqual(await readLogs(env.page), logs, 'nothing was logged meanwhile');
  assert.ok(!txt.text.includes(API_KEY) && !jsonl.text.includes(API_KEY), 'no key in the exports');
});

test('with advanced troubleshooting off, a backup writes no DEBUG entry', { timeout: 60_000 }, async () => {
  const { page } = env;
  await saveSettings(page, { advancedTroubleshooting: false });
  const before = (await settledLogs()).length;
  await backUp(photos('quiet', 3));
  const added = (await settledLogs()).slice(before);
  assert.ok(added.some((l) => /Backup started/.test(l.message)), `the run is logged: ${JSON.stringify(added)}`);
  assert.deepEqual(added.filter((l) => l.level === 'DEBUG'), [], 'no DEBUG entry');
  assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors in the page');
});
