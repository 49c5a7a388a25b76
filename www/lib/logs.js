// Section 5: the log viewer.
import { $, h, errorMessage } from './dom.js';

/** During a run the log is re-read at most this often: each read is the whole log. */
const LIVE_REFRESH_MS = 2_000;

export function setupLogs(ib) {
  const list = $('log-list');
  let lastRefresh = 0;
  let pending = null;
  let generation = 0;

  async function refresh() {
    lastRefresh = Date.now();
    // a slower earlier read must not replace what a later one showed
    const mine = ++generation;
    let entries;
    try {
      entries = await ib.readLogs();
    } catch (err) {
      if (mine !== generation) return;
      list.replaceChildren(h('li', { class: 'SEVERE', text: `could not read the log: ${errorMessage(err)}` }));
      return;
    }
    if (mine !== generation) return;
    const items = (entries ?? []).slice().reverse().map((e) => {
      const at = new Date(Number(e.atMs));
      const when = Number.isNaN(at.getTime()) ? '' : at.toLocaleString();
      const level = String(e.level ?? '');
      return h('li', { class: ['INFO', 'WARNING', 'SEVERE'].includes(level) ? level : '' },
        h('time', { datetime: Number.isNaN(at.getTime()) ? '' : at.toISOString(), text: when }),
        h('span', { class: 'level', text: level }),
        h('span', { class: 'message', text: String(e.message ?? '') }));
    });
    list.replaceChildren(...(items.length ? items : [h('li', { class: 'muted', text: 'The log is empty' })]));
  }

  /** Refreshes now or, if the last refresh was recent, once LIVE_REFRESH_MS after it. */
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      refresh();
    }, Math.max(0, lastRefresh + LIVE_REFRESH_MS - Date.now()));
  }

  $('logs-refresh').addEventListener('click', refresh);
  return { refresh, refreshSoon };
}
