// Section 5: the log viewer.
import { $, h, errorMessage } from './dom.js';

export function setupLogs(ib) {
  const list = $('log-list');

  async function refresh() {
    let entries;
    try {
      entries = await ib.readLogs();
    } catch (err) {
      list.replaceChildren(h('li', { class: 'SEVERE', text: `could not read the log: ${errorMessage(err)}` }));
      return;
    }
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

  $('logs-refresh').addEventListener('click', refresh);
  return { refresh };
}
