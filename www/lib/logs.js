// Section 6: the log viewer, its level filter and its export.
import { $, h, showError, errorMessage } from './dom.js';
import { toText, toJsonl, download } from './log-export.js';

/** During a run the log is re-read at most this often: each read is the whole log. */
const LIVE_REFRESH_MS = 2_000;
/** Least severe first: a filter shows its level and those after it. */
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'SEVERE'];

export function setupLogs(ib) {
  const list = $('log-list');
  const levelSelect = $('log-level');
  const error = $('log-error');
  let entries = [];
  let readError = null;
  let lastRefresh = 0;
  let pending = null;
  let generation = 0;

  function shows(entry) {
    const min = LEVELS.indexOf(levelSelect.value);
    return min < 0 || LEVELS.indexOf(String(entry.level)) >= min;
  }

  function render() {
    if (readError) {
      list.replaceChildren(h('li', { class: 'SEVERE', text: `could not read the log: ${readError}` }));
      return;
    }
    const items = entries.filter(shows).reverse().map((e) => {
      const at = new Date(Number(e.atMs));
      const valid = !Number.isNaN(at.getTime());
      const level = String(e.level ?? '');
      return h('li', { class: LEVELS.includes(level) ? level : '' },
        h('time', { datetime: valid ? at.toISOString() : '', text: valid ? at.toLocaleString() : '' }),
        h('span', { class: 'level', text: level }),
        h('span', { class: 'message', text: String(e.message ?? '') }));
    });
    const empty = entries.length ? 'No entries at this level' : 'The log is empty';
    list.replaceChildren(...(items.length ? items : [h('li', { class: 'muted', text: empty })]));
  }

  async function refresh() {
    lastRefresh = Date.now();
    // a slower earlier read must not replace what a later one showed
    const mine = ++generation;
    let read;
    try {
      read = await ib.readLogs();
    } catch (err) {
      if (mine !== generation) return;
      readError = errorMessage(err);
      render();
      return;
    }
    if (mine !== generation) return;
    readError = null;
    entries = Array.isArray(read) ? read : [];
    render();
  }

  /** Refreshes now or, if the last refresh was recent, once LIVE_REFRESH_MS after it. */
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      refresh();
    }, Math.max(0, lastRefresh + LIVE_REFRESH_MS - Date.now()));
  }

  /** Every entry, whatever the filter shows, read afresh. */
  async function exportAs(name, format, type) {
    showError(error, '');
    try {
      const all = await ib.readLogs();
      download(name, format(Array.isArray(all) ? all : []), type);
    } catch (err) {
      showError(error, `could not export the log: ${errorMessage(err)}`);
    }
  }

  $('logs-refresh').addEventListener('click', refresh);
  levelSelect.addEventListener('change', render);
  $('log-export-txt').addEventListener('click',
    () => exportAs('immich-background-log.txt', toText, 'text/plain;charset=utf-8'));
  $('log-export-jsonl').addEventListener('click',
    () => exportAs('immich-background-log.jsonl', toJsonl, 'application/x-ndjson;charset=utf-8'));
  return { refresh, refreshSoon };
}
