// Section 3: start/stop, progress bars, status and the files not backed up, all driven by
// channel messages.
import { $, h, showError, errorMessage } from './dom.js';
import { post, onChannelMessage } from './worker.js';

/** No message for this long during a run: the worker was stopped, wake it. */
const WORKER_SILENCE_MS = 10_000;

export function setupBackup(ib, { onProgress, onStopped }) {
  const startBtn = $('backup-start');
  const stopBtn = $('backup-stop');
  const clearBtn = $('clear-finished');
  const totalBar = $('total-progress');
  const totalText = $('total-text');
  const fileBar = $('file-progress');
  const fileText = $('file-text');
  const status = $('status');
  const issues = $('file-issues');
  const error = $('backup-error');

  let loggedIn = false;
  let running = false;
  const sync = () => {
    startBtn.disabled = !loggedIn || running;
    stopBtn.disabled = !running;
  };

  // What the status line says about the run; a notice from the worker ("Server unreachable,
  // retrying in 8 s") stands in for it until progress resumes.
  let runStatus = '';
  let notice = null;
  const setRunStatus = (text) => {
    runStatus = text;
    if (!notice) status.textContent = text;
  };
  const setNotice = (text) => {
    notice = text || null;
    status.textContent = notice ?? runStatus;
  };

  function renderTotal(state) {
    if (!state) return;
    const total = Number(state.totalCount) || 0;
    const done = Number(state.completedCount) || 0;
    const failed = Number(state.failedCount) || 0;
    const skipped = Number(state.skippedCount) || 0;
    totalBar.max = Math.max(total, 1);
    totalBar.value = Math.min(done, totalBar.max);
    totalText.textContent = total === 0
      ? 'Nothing queued'
      : `${done} of ${total} backed up${failed ? `, ${failed} failed` : ''}${skipped ? `, ${skipped} skipped` : ''}`;
  }

  function renderFile(state, phase, bytesDone, bytesTotal) {
    const name = state?.currentFile;
    if (!name || phase === 'idle' || phase === 'waiting' || notice) {
      fileBar.max = 100;
      fileBar.value = 0;
      fileText.textContent = '';
      return;
    }
    const pct = state.currentProgress;
    if (typeof pct === 'number' && Number.isFinite(pct)) {
      fileBar.max = 100;
      fileBar.value = Math.max(0, Math.min(100, pct));
      const verb = phase === 'uploading' ? 'uploading' : phase === 'checking' ? 'checking' : 'hashing';
      fileText.textContent = `${verb} ${name}… ${Math.round(pct)}%`;
    } else if (phase === 'uploading' && bytesTotal > 0 && bytesDone != null) {
      fileBar.max = bytesTotal;
      fileBar.value = Math.min(bytesDone, bytesTotal);
      fileText.textContent = `uploading ${name}… ${Math.round((100 * bytesDone) / bytesTotal)}%`;
    } else {
      fileBar.removeAttribute('value'); // indeterminate
      fileText.textContent = phase === 'checking' ? `checking ${name}…` : `uploading ${name}…`;
    }
  }

  function renderIssues(list) {
    const items = (list ?? []).map((issue) => {
      const name = String(issue.name ?? '');
      const reason = String(issue.reason ?? '');
      const what = issue.skipped ? 'skipped' : 'failed';
      return h('li', { class: what, text: reason ? `${name} — ${what}: ${reason}` : `${name} — ${what}` });
    });
    issues.replaceChildren(...items);
    issues.hidden = items.length === 0;
  }

  // A browser may stop the service worker at any time, and Chromium stops one whose event has
  // run for 5 minutes. While a run is going, silence means the worker is gone: wake it with a
  // message, and it resumes the run from what it recorded.
  let lastHeard = Date.now();
  setInterval(() => {
    if (running && Date.now() - lastHeard > WORKER_SILENCE_MS) {
      lastHeard = Date.now();
      post({ method: 'updateNotification' }).catch(() => {});
    }
  }, 1_000);

  onChannelMessage((msg) => {
    lastHeard = Date.now();
    switch (msg.method) {
      case 'initialized':
        running = true;
        setNotice(null);
        setRunStatus('Backup running');
        showError(error, '');
        break;
      case 'updateNotification': {
        const a = msg.args ?? {};
        // idle: no run in the worker (it reports so before a systemStop and when asked)
        if (a.phase === 'idle') {
          running = false;
        } else if (a.phase && !running) {
          running = true;
          setRunStatus('Backup running');
        }
        setNotice(a.notice);
        renderTotal(a.state);
        renderFile(a.state, a.phase, a.fileBytesDone, a.fileBytesTotal);
        onProgress();
        break;
      }
      case 'systemStop': {
        running = false;
        const a = msg.args ?? {};
        setNotice(null);
        setRunStatus(a.message || a.reason || 'Backup stopped');
        renderFile(null, 'idle');
        if (a.reason && a.reason !== 'completed' && a.reason !== 'stoppedByUser') showError(error, a.message || a.reason);
        refreshState();
        onStopped(a);
        break;
      }
    }
    sync();
  });

  // a slower earlier read must not replace what a later one showed
  let generation = 0;
  async function refreshState() {
    const mine = ++generation;
    try {
      const [state, list] = await Promise.all([ib.uploadState(), ib.fileIssues()]);
      if (mine !== generation) return;
      renderTotal(state);
      renderIssues(list);
    } catch (err) {
      showError(error, errorMessage(err));
    }
  }

  startBtn.addEventListener('click', async () => {
    showError(error, '');
    // ask for notifications only when the user starts a backup; a "no" does not stop it
    if ('Notification' in window && Notification.permission === 'default') {
      try { await Notification.requestPermission(); } catch { /* ignore */ }
    }
    try {
      await post({ method: 'start' });
      setRunStatus('Starting backup…');
    } catch (err) {
      showError(error, errorMessage(err));
    }
  });

  stopBtn.addEventListener('click', async () => {
    try {
      await post({ method: 'stop' });
      setRunStatus('Stopping…');
    } catch (err) {
      showError(error, errorMessage(err));
    }
  });

  clearBtn.addEventListener('click', async () => {
    try {
      const n = await ib.clearFinished();
      setRunStatus(`Cleared ${n} finished`);
      await refreshState();
    } catch (err) {
      showError(error, errorMessage(err));
    }
  });

  sync();
  return {
    refreshState,
    setLoggedIn(yes) {
      loggedIn = yes;
      sync();
    },
    async stopIfRunning() {
      if (running) await post({ method: 'stop' }).catch(() => {});
    },
  };
}
