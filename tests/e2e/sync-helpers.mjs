// The library sync in tests: another client changes the server through its API (as a person
// would, with the admin's API key or a session of a second user), and the page's mirror is read
// through the wasm package and IndexedDB.
import { randomBytes } from 'node:crypto';
import { API_KEY, EMAIL, PASSWORD } from './harness.mjs';

/** A JSON request to fake-immich with these auth headers; resolves with the parsed answer. */
export async function call(env, method, apiPath, body, auth = { 'x-api-key': API_KEY }) {
  const res = await fetch(env.serverUrl + apiPath, {
    method,
    headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${apiPath}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Uploads one small random JPEG-named file as another client would; resolves with its id. */
export async function upload(env, name, auth = { 'x-api-key': API_KEY }, takenAt = '2026-11-20T10:00:00.000Z') {
  const form = new FormData();
  form.append('assetData', new Blob([randomBytes(600)]), name);
  for (const field of ['fileCreatedAt', 'fileModifiedAt']) form.append(field, takenAt);
  form.append('filename', name);
  const res = await fetch(`${env.serverUrl}/api/assets`, { method: 'POST', headers: auth, body: form });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload ${name}: HTTP ${res.status} ${text}`);
  return JSON.parse(text).id;
}

/** Uploads `count` files, `parallel` at a time; resolves with their ids. */
export async function uploadMany(env, prefix, count, parallel = 8) {
  const ids = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const day = String(1 + (i % 28)).padStart(2, '0');
      ids[i] = await upload(env, `${prefix}-${i}.jpg`, undefined, `2026-10-${day}T10:00:00.000Z`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return ids;
}

/** A second user (the test switch), logged in: { id, auth } with its bearer header. */
export async function secondUser(env, email = 'partner@immich.local', password = 'partner-password') {
  const user = await call(env, 'POST', '/api/fake-immich/users', { email, password, name: 'Partner User' });
  const login = await call(env, 'POST', '/api/auth/login', { email, password }, {});
  return { id: user.id, auth: { authorization: `Bearer ${login.accessToken}` } };
}

/** Logs the page in with email and password (the session login). */
export async function passwordLogin(env, { email = EMAIL, password = PASSWORD } = {}) {
  await env.page.fill('#server-url', env.pageServerUrl);
  await env.page.fill('#email', email);
  await env.page.fill('#password', password);
  await env.page.click('#login');
  await env.page.waitForFunction(() => {
    const s = document.getElementById('login-status').textContent;
    return s.startsWith('Connected') || !document.getElementById('login-error').hidden;
  }, null, { timeout: 20_000 });
  const error = await env.page.$eval('#login-error', (e) => (e.hidden ? '' : e.textContent));
  if (error) throw new Error(`password login failed: ${error}`);
}

/** libraryView() in the page. */
export function libraryView(page) {
  return page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.libraryView();
  });
}

/** How many rows each mirror store holds, read from IndexedDB directly. */
export function mirrorCounts(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('immich-background');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const stores = ['remote_assets', 'remote_exif', 'albums', 'album_assets', 'users', 'partners'];
      const tx = db.transaction(stores);
      const counts = {};
      for (const name of stores) {
        tx.objectStore(name).count().onsuccess = (e) => { counts[name] = e.target.result; };
      }
      tx.oncomplete = () => { db.close(); resolve(counts); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

/** The ids of the mirrored assets. */
export function mirroredIds(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('immich-background');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction('remote_assets').objectStore('remote_assets').getAllKeys();
      request.onsuccess = () => { db.close(); resolve(request.result); };
      request.onerror = () => reject(request.error);
    };
  }));
}

/** Empties the page's record of channel messages. */
export const clearChannel = (page) => page.evaluate(() => { window.__channel.length = 0; });

/** Resolves with the first syncState message that ended a sync, after the channel was cleared. */
export async function syncEnded(page, timeout = 60_000) {
  await page.waitForFunction(
    () => window.__channel.some((m) => m.method === 'syncState' && !m.args.syncing),
    null, { timeout, polling: 50 },
  );
  return page.evaluate(() => window.__channel.find((m) => m.method === 'syncState' && !m.args.syncing).args);
}

/**
 * Presses Sync now and resolves with how the sync it started ended. A sync already going when
 * the button is pressed (the end of a run starts one) ends first and the worker then syncs once
 * more: the answer is the end of the first sync that started after the press.
 */
export async function syncNow(page) {
  await clearChannel(page);
  await page.waitForFunction(() => !document.getElementById('sync-now').disabled, null, { timeout: 30_000 });
  await page.click('#sync-now');
  const ended = () => {
    const states = window.__channel.filter((m) => m.method === 'syncState');
    const start = states.findIndex((m) => m.args.syncing);
    return start >= 0 ? states.slice(start).find((m) => !m.args.syncing)?.args : undefined;
  };
  await page.waitForFunction(ended, null, { timeout: 60_000, polling: 50 });
  return page.evaluate(ended);
}
