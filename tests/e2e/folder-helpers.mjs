// Backup folders in tests: Playwright cannot answer showDirectoryPicker, so a folder of the
// origin-private file system (the same FileSystemDirectoryHandle type) stands in for one the
// user picked. Files get random bytes in the page; their SHA-1s come back for the server checks.

/**
 * Writes files under the OPFS folder `root` (created if missing). `files` maps a '/'-separated
 * path to a size in bytes, or to null to delete it. Returns { path: sha1 hex } of the written.
 */
export async function writeTree(page, root, files) {
  return page.evaluate(async ([rootName, entries]) => {
    const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true });
    const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const written = {};
    for (const [path, size] of entries) {
      const parts = path.split('/');
      const name = parts.pop();
      let dir = top;
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
      if (size === null) {
        await dir.removeEntry(name);
        continue;
      }
      const bytes = new Uint8Array(size);
      for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
      const handle = await dir.getFileHandle(name, { create: true });
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
      written[path] = hex(await crypto.subtle.digest('SHA-1', bytes));
    }
    return written;
  }, [root, Object.entries(files)]);
}

/** Adds the OPFS folder `root` as a backup folder, through the page's wasm API. */
export async function addOpfsFolder(page, root) {
  return page.evaluate(async (rootName) => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true });
    return ib.addBackupFolder(top);
  }, root);
}

export async function backupFolders(page) {
  return page.evaluate(async () => {
    const ib = await import(new URL('pkg/immich_background.js', location.href).href);
    return ib.backupFolders();
  });
}

/** The bytes IndexedDB holds for the origin, as the browser estimates them. */
export async function storageUsage(page) {
  return page.evaluate(async () => (await navigator.storage.estimate()).usageDetails?.indexedDB ?? null);
}

/** navigator.storage.estimate() in the page: { usage, quota, usageDetails } (bytes). */
export async function storageEstimate(page) {
  return page.evaluate(async () => {
    const { usage, quota, usageDetails } = await navigator.storage.estimate();
    return { usage, quota, usageDetails: usageDetails ? { ...usageDetails } : undefined };
  });
}

/** A folder view's counts, for one deepEqual. */
export const counts = (view) => ({
  files: view.files, backedUp: view.backedUp, waiting: view.waiting, failed: view.failed, skipped: view.skipped,
});

/** Removes `path` ('/'-separated, a file or a whole directory) from the OPFS folder `root`; '' removes `root` itself. */
export async function removeOpfs(page, root, path = '') {
  await page.evaluate(async ([rootName, entryPath]) => {
    let dir = await navigator.storage.getDirectory();
    const parts = [rootName, ...entryPath.split('/').filter(Boolean)];
    const name = parts.pop();
    for (const part of parts) dir = await dir.getDirectoryHandle(part);
    await dir.removeEntry(name, { recursive: true });
  }, [root, path]);
}

/** How many rows an object store of the app's IndexedDB holds (read in the page). */
export async function countRows(page, storeName) {
  return page.evaluate((name) => new Promise((resolve, reject) => {
    const open = indexedDB.open('immich-background');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction(name).objectStore(name).count();
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    };
  }), storeName);
}

/** Rows and bytes (as JSON) of each object store of the app's IndexedDB: what it holds, for messages. */
export async function storeSizes(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('immich-background');
    open.onerror = () => reject(open.error);
    open.onsuccess = async () => {
      const db = open.result;
      const sizes = {};
      for (const name of db.objectStoreNames) {
        const values = await new Promise((res, rej) => {
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => res(request.result);
          request.onerror = () => rej(request.error);
        });
        const jsonBytes = values.reduce((sum, v) => sum + (JSON.stringify(v)?.length ?? 0), 0);
        if (values.length) sizes[name] = { rows: values.length, jsonBytes };
      }
      db.close();
      resolve(sizes);
    };
  }));
}

/**
 * As writeTree for many new files at once: `concurrency` writes at a time. Returns { path: sha1 hex }.
 */
export async function writeTreeParallel(page, root, files, concurrency = 32) {
  return page.evaluate(async ([rootName, entries, width]) => {
    const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true });
    const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const dirs = new Map([['', Promise.resolve(top)]]);
    const dirOf = (path) => {
      if (!dirs.has(path)) {
        const cut = path.lastIndexOf('/');
        dirs.set(path, dirOf(cut < 0 ? '' : path.slice(0, cut))
          .then((parent) => parent.getDirectoryHandle(path.slice(cut + 1), { create: true })));
      }
      return dirs.get(path);
    };
    const written = {};
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const [path, size] = entries[next++];
        const cut = path.lastIndexOf('/');
        const dir = await dirOf(cut < 0 ? '' : path.slice(0, cut));
        const bytes = new Uint8Array(size);
        for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
        const writable = await (await dir.getFileHandle(path.slice(cut + 1), { create: true })).createWritable();
        await writable.write(bytes);
        await writable.close();
        written[path] = hex(await crypto.subtle.digest('SHA-1', bytes));
      }
    };
    await Promise.all(Array.from({ length: width }, worker));
    return written;
  }, [root, Object.entries(files), concurrency]);
}

/**
 * The numbers of the run that ended last, as its last progress message before its systemStop
 * said them (uploadState() leaves a backup folder's finished rows out once the run is over).
 */
export async function lastRunNumbers(page) {
  return page.evaluate(() => {
    const channel = window.__channel ?? [];
    let end = channel.length - 1;
    while (end >= 0 && channel[end].method !== 'systemStop') end--;
    for (let i = end - 1; i >= 0; i--) {
      if (channel[i].method === 'updateNotification' && channel[i].args?.state) return channel[i].args.state;
    }
    return null;
  });
}
