// What the browser extension does its own way; the extension's build puts this module in place
// of www/lib/platform.js (webpack.config.js). See that file for what each export is for.

/** The manifest names the worker (background.js): the browser runs it, the page waits for it. */
export const registerWorker = () => navigator.serviceWorker.ready;

/**
 * The extension reaches a stock server (no CORS headers) through a host permission the user
 * grants for that server alone; Chromium asks only at a click, so this runs before any await.
 * Resolves to whether the user granted it.
 */
export function requestServerAccess(ib, serverUrl) {
  let origin;
  try {
    origin = ib.serverOrigin(serverUrl);
  } catch {
    return Promise.resolve(true); // not an address: the login itself says why
  }
  return chrome.permissions.request({ origins: [`${origin}/*`] });
}

/** The extension's own origin is no server. */
export const defaultServerUrl = () => '';

/**
 * Measured in Chromium 156: an extension's Background Fetch to a server without CORS headers
 * ends in a network error, its host permission notwithstanding; the worker sends such files.
 */
export const backgroundFetchRefusal = 'an extension cannot hand uploads to Background Fetch (the server sends no CORS headers): the worker sends the file';
