// The queued files that were not backed up (failed, with the server's reason, or skipped), and
// Retry failed: the failed rows go back to the queue and a run starts.
import { $, h, showError, errorMessage } from './dom.js';
import { post } from './worker.js';

export function setupIssues(ib, { error, onRetried }) {
  const list = $('file-issues');
  const retryBtn = $('retry-failed');
  let busy = false; // a run is going: its rows are the engine's until it ends
  let retrying = false;
  const sync = () => {
    retryBtn.disabled = busy || retrying;
  };

  function render(issues) {
    const rows = Array.isArray(issues) ? issues : [];
    const items = rows.map((issue) => {
      const name = String(issue.name ?? '');
      const reason = String(issue.reason ?? '');
      const what = issue.skipped ? 'skipped' : 'failed';
      return h('li', { class: what, text: reason ? `${name} — ${what}: ${reason}` : `${name} — ${what}` });
    });
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
    retryBtn.hidden = !rows.some((issue) => !issue.skipped);
  }

  retryBtn.addEventListener('click', async () => {
    showError(error, '');
    retrying = true;
    sync();
    try {
      if (typeof ib.retryFailed !== 'function') throw new Error('this version cannot retry failed files');
      await ib.retryFailed();
      await post({ method: 'start' });
      await onRetried();
    } catch (err) {
      showError(error, errorMessage(err));
    } finally {
      retrying = false;
      sync();
    }
  });

  return {
    render,
    setBusy(yes) {
      busy = yes;
      sync();
    },
  };
}
