// What the PWA does its own way (the browser extension's build replaces this module with
// www/extension/platform.js): how the page reaches its service worker and the server.

/** Registers the module service worker, which owns the backups, for this origin. */
export const registerWorker = () => navigator.serviceWorker.register('sw.js', { type: 'module', scope: './' });

/**
 * Access to the server, asked for at the user's click, before any await. A PWA is served from
 * the server's origin (or admitted by its CORS headers): nothing to ask.
 */
export const requestServerAccess = async () => true;

/** The server address a first login is offered: behind the server's reverse proxy, this origin. */
export const defaultServerUrl = () => location.origin;

/** Why this page cannot hand uploads to the browser's Background Fetch (null: it can). */
export const backgroundFetchRefusal = null;
