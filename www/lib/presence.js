// Tells the worker what only a page can see (DESIGN.md §2): whether this page is visible, hidden
// or closing, and WiFi and charging as the browser reports them to pages (workers have neither
// navigator.getBattery nor, in every browser, navigator.connection). The worker counts the
// trigger delay from the last page hidden or closed, and reads a report that stopped coming as
// "unknown": so the page reports on every change and every 20 s while it lives.
import { post } from './worker.js';

/**
 * Shorter than the age at which the worker stops trusting a report, and than the 30 s a browser
 * lets an idle worker live: the worker holds the socket of the live updates while pages live.
 */
const REPORT_EVERY_MS = 20_000;

/**
 * "On WiFi" as the mobile app means it (a network that costs nothing per byte): wifi or a cable.
 * null where the browser does not say (desktop browsers never do).
 */
function wifi() {
  const type = navigator.connection?.type;
  if (!type || type === 'unknown') return null;
  return type === 'wifi' || type === 'ethernet';
}

/**
 * Starts reporting; call after the worker is registered. `onChange({wifi, charging})` gets what
 * the page sees each time it reports (for the conditions line before the worker answers).
 */
export async function startPresence({ onChange = () => {} } = {}) {
  let battery = null;
  try {
    battery = (await navigator.getBattery?.()) ?? null;
  } catch {
    // a permissions policy may refuse the Battery API: charging stays unknown
  }
  const seen = () => ({ wifi: wifi(), charging: typeof battery?.charging === 'boolean' ? battery.charging : null });
  const visibility = () => (document.visibilityState === 'visible' ? 'visible' : 'hidden');

  let closed = false;
  // Synchronous up to postMessage when the page is controlled, so a report from pagehide leaves
  // before the page is gone.
  const report = (state = visibility()) => {
    if (closed && state !== 'closed') return;
    const now = seen();
    post({ method: 'pageState', args: { visibility: state, ...now } }).catch(() => {
      // no worker yet: the next report (at most a minute away) tells it
    });
    onChange(now);
  };

  document.addEventListener('visibilitychange', () => report());
  window.addEventListener('pagehide', () => {
    report('closed');
    closed = true;
  });
  // back from the back/forward cache: the page that said "closed" lives again
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    closed = false;
    report();
  });
  battery?.addEventListener?.('chargingchange', () => report());
  navigator.connection?.addEventListener?.('change', () => report());
  window.addEventListener('online', () => report());
  window.addEventListener('offline', () => report());
  setInterval(() => report(), REPORT_EVERY_MS);

  report();
  return { seen };
}
