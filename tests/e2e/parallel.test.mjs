// Parallel uploads (the setting parallelUploads, 3 by default): a run keeps three uploads on the
// server at once, never two of one content, and every file arrives once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startForTests, photos } from './harness.mjs';

const env = startForTests({ uploadDelayMs: 200 });

test('three uploads at once by default, never two of one content, every file once', { timeout: 120_000 }, async () => {
  const files = photos('parallel', 24);
  // Two pairs of twins: the second of each is never sent beside the first.
  files.push({ name: 'twin-a1.jpg', buffer: files[3].buffer }, { name: 'twin-b1.jpg', buffer: files[4].buffer });
  await env.openWithQueued(files);
  await env.page.click('#backup-start');
  const stop = await env.waitForStop();
  assert.equal(stop.args.reason, 'completed', JSON.stringify(stop));
  assert.ok(await env.holdsAll(files.map((f) => f.buffer)), 'every file is on the server');
  const counts = await env.requests();
  assert.equal(counts.maxConcurrentUploads, 3, 'three uploads on the server at once');
  assert.equal(counts.sameFileConcurrent, 0, 'never two uploads of one content at once');
  // A twin checked after its first was stored is not sent at all.
  const sent = counts['POST /api/assets'];
  assert.ok(sent >= 24 && sent <= files.length, `each file sent once at most: ${sent}`);
  assert.equal((await env.statistics()).total, 24);
  const state = await env.uploadState();
  assert.equal(state.completedCount, files.length, JSON.stringify(state));
});
