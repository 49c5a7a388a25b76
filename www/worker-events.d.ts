// The declaration of worker-events.js, shipped with the npm package as `immich-background/worker`
// (next to the package's main module, whose types it names).
import type { WakeKind } from './immich_background.js';

/** The exports of the package's main module that a service worker hands its events to. */
export interface WorkerExports {
  workerWake(kind: WakeKind, lastChance: boolean): Promise<boolean>;
  workerMessage(data: any, source?: string | null): Promise<void>;
  workerBackgroundFetch(event: any): Promise<void>;
}

/**
 * Registers the service worker's event handlers (install, activate, message, sync,
 * periodicsync, the Background Fetch events, notificationclick); call it at the worker's top
 * level. `ready` is the package's `init()` promise; `home` the page a notification click opens
 * when none of the app's is open (default "index.html", relative to the worker's scope).
 * Returns `ready`.
 */
export function serveWorkerEvents<T>(ready: Promise<T>, wasm: WorkerExports, options?: { home?: string }): Promise<T>;
