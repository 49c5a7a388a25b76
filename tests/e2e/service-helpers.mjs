// Helpers for the tests of the background service (conditions, grace period, controls, logs),
// on top of harness.mjs: a battery the test controls, the server's fault injection, the
// notifications and the log as the page reads them, and polling with generous deadlines.
import assert from 'node:assert/strict';

/** Polls `fn` (sync or async) until it returns a truthy value, which it resolves with. */
export async function waitFor(fn, { timeout = 30_000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const detail = typeof message === 'function' ? await message() : message;
      throw new Error(`timed out after ${timeout} ms waiting for: ${detail}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Asserts that `fn` keeps returning the same value (compared as JSON) for `ms`: the window in
 * which something must NOT happen (an upload while paused or unplugged). Resolves with it.
 */
export async function unchangedFor(fn, ms, what) {
  const first = JSON.stringify(await fn());
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = JSON.stringify(await fn());
    assert.equal(now, first, `${what} changed within ${ms} ms`);
  }
  return JSON.parse(first);
}

/**
 * Replaces navigator.getBattery in every page of the context (before the page's own scripts)
 * with a battery the test controls through `setCharging`: an EventTarget with `charging`,
 * `level`, the times, that fires `chargingchange` as a real one does.
 */
export async function installFakeBattery(context) {
  await context.addInitScript(() => {
    const battery = new EventTarget();
    let charging = true;
    Object.defineProperties(battery, {
      charging: { get: () => charging, enumerable: true },
      level: { value: 0.5, enumerable: true },
      chargingTime: { get: () => (charging ? 3600 : Infinity), enumerable: true },
      dischargingTime: { get: () => (charging ? Infinity : 7200), enumerable: true },
    });
    battery.onchargingchange = null;
    window.__setCharging = (value) => {
      if (charging === value) return;
      charging = value;
      const event = new Event('chargingchange');
      battery.dispatchEvent(event);
      battery.onchargingchange?.(event);
    };
    Object.defineProperty(Navigator.prototype, 'getBattery', {
      configurable: true,
      value: () => Promise.resolve(battery),
    });
  });
}

/** Plugs the fake battery in (true) or out (false). */
export const setCharging = (page, value) => page.evaluate((v) => window.__setCharging(v), value);

/** Queues a fault on the test server (POST /api/fake-immich/faults). */
export const addFault = (env, fault) => env.api('/api/fake-immich/faults', { method: 'POST', body: fault });
export const clearFaults = (env) => env.api('/api/fake-immich/faults', { method: 'DELETE' });

/** Uploads that reached the server (faulted ones included). */
export const uploadsSeen = async (env) => (await env.requests())['POST /api/assets'] ?? 0;

/** The notifications shown under `tag` (or all), as the page reads them from the registration. */
export const notifications = (page, tag) => page.evaluate(async (t) => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications(t ? { tag: t } : undefined);
  return shown.map((n) => ({ tag: n.tag, title: n.title, body: n.body, timestamp: n.timestamp }));
}, tag);

const callIb = (page, name) => page.evaluate(async (fn) => {
  const ib = await import(new URL('pkg/immich_background.js', location.href).href);
  return ib[fn]();
}, name);
export const readLogs = (page) => callIb(page, 'readLogs');
export const fileIssues = (page) => callIb(page, 'fileIssues');
export const serviceState = (page) => callIb(page, 'serviceState');

/** The channel messages of `method` received so far. */
export const messages = (page, method) => page.evaluate(
  (m) => (window.__channel ?? []).filter((msg) => msg.method === m), method);

/** Sets settings through the form (checkboxes by boolean, numbers by value) and saves them. */
export async function saveSettings(page, values) {
  for (const [name, value] of Object.entries(values)) {
    const selector = `#settings-form [name=${name}]`;
    if (typeof value === 'boolean') await page.setChecked(selector, value);
    else await page.fill(selector, String(value));
  }
  await page.evaluate(() => { document.getElementById('settings-status').textContent = ''; });
  await page.click('#settings-save');
  await page.waitForFunction(() => document.getElementById('settings-status').textContent === 'Settings saved'
    || !document.getElementById('settings-error').hidden, null, { timeout: 15_000 });
  const error = await page.$eval('#settings-error', (e) => (e.hidden ? '' : e.textContent));
  assert.equal(error, '', 'the settings are saved');
}

/** Waits until `selector`'s text matches `pattern`; fails with what it says instead. */
export async function waitForText(page, selector, pattern, timeout = 20_000) {
  await page.waitForFunction(([sel, source, flags]) => new RegExp(source, flags)
    .test(document.querySelector(sel)?.textContent ?? ''), [selector, pattern.source, pattern.flags],
  { timeout, polling: 100 })
    .catch(async () => assert.fail(`${selector} should match ${pattern}: "${await page.textContent(selector)}"`));
}
