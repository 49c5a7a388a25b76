// Shared by the benches that measure IndexedDB: the test servers with a browser whose profile is
// on disk, as users' browsers keep it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, start } from '../tests/e2e/harness.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/**
 * The harness's servers (`start(options)`), with a browser of a fresh on-disk profile in place
 * of its in-memory context: a real profile stores IndexedDB (and its Blobs) on disk, as users'
 * browsers do, and that is what the storage estimate counts. `initScripts` run in each page
 * before the channel's script (so they can wrap what it uses) and before the app's scripts.
 */
export async function startOnDisk({ initScripts = [], ...options } = {}) {
  const env = await start(options);
  await env.browser.close();
  const profile = mkdtempSync(path.join(tmpdir(), 'immich-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
  });
  for (const script of initScripts) await context.addInitScript(script);
  // as the harness does: the channel messages the page receives, for env.waitForStop
  await context.addInitScript(() => {
    window.__channel = [];
    navigator.serviceWorker?.addEventListener('message', (event) => {
      if (event.data && typeof event.data === 'object') window.__channel.push(event.data);
    });
  });
  await context.grantPermissions(['notifications', 'background-sync'], { origin: new URL(env.wwwUrl).origin });
  const stopServers = env.stop;
  env.browser = context; // env.stop closes it
  env.context = context;
  env.page = context.pages()[0] ?? await context.newPage();
  env.stop = async () => {
    await stopServers();
    rmSync(profile, { recursive: true, force: true });
  };
  return env;
}
