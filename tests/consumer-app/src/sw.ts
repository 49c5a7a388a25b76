// The app's service worker: the package runs the backups; every event goes to it.
import init, * as ib from 'immich-background';
import { serveWorkerEvents } from 'immich-background/worker';

serveWorkerEvents(init(), ib, { home: 'index.html' });
