// Section 4: Back up, Pause, Resume, Stop, Cancel, the progress bars and the status line, driven
// by channel messages (the run's) and the service state (what the background service does).
import { $, showError, errorMessage } from './dom.js';
import { post, onChannelMessage } from './worker.js';
import { setupIssues } from './issues.js';

/** Stop reasons that are the user's to act on; the others (completed, paused, conditions lost…) are news. */
const ERROR_REASONS = new Set(['failed', 'unauthorized', 'serverUnreachable']);
/** Service phases in which a run is wanted but not going: Cancel clears what waits. */
const WAITING = new Set(['waitingForDelay', 'waitingForConditions', 'waitingForWakeUp']);

export function setupBackup(ib, { onProgress, onStopped, onNotificationPermission }) {
  const startBtn = $('backup-start');
  const pauseBtn = $('backup-pause');
  const resumeBtn = $('backup-resume');
  const stopBtn = $('backup-stop');
  const cancelBtn = $('backup-cancel');
  const clearBtn = $('clear-finished');
  const totalBar = $('total-progress');
  const totalText = $('total-text');
  const fileBar = $('file-progress');
  const fileText = $('file-text');
  const status = $('status');
  const error = $('backup-error');
  const issues = setupIssues(ib, { error, onRetried: () => refreshState() });

  let loggedIn = false;
  let running = false; // a run is going, as its channel messages say
  let phase = null; // the background service's phase, as its serviceState says
  const going = () => running || phase === 'running';
  const sync = () => {
    const active = going();
    const paused = !active && phase === 'paused';
    startBtn.disabled = !loggedIn || active || paused;
    pauseBtn.disabled = !active;
    resumeBtn.disabled = !paused;
    stopBtn.disabled = !active && !paused;
    cancelBtn.disabled = !active && !paused && !WAITING.has(phase);
    issues.setBusy(active);
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

  // A large file the browser carries (Background Fetch) has real bytes to show: while one is on
  // its way, the bar is its own; the worker's last report is shown again once it ends.
  let carried = null;
  let lastFile = [null, 'idle'];
  const mib = (bytes) => (bytes / 1048576).toFixed(1);
  function renderFile(...args) {
    lastFile = args;
    if (!carried) {
      renderReported(...args);
      return;
    }
    const { name, uploaded, total } = carried;
    fileBar.max = Math.max(total, 1);
    fileBar.value = Math.min(uploaded, fileBar.max);
    const pct = Math.floor((100 * Math.min(uploaded, total)) / Math.max(total, 1));
    fileText.textContent = `uploading ${name}… ${pct}% (${mib(uploaded)} of ${mib(total)} MiB, carried by the browser)`;
  }

  function renderReported(state, filePhase, bytesDone, bytesTotal) {
    const name = state?.currentFile;
    if (!name || filePhase === 'idle' || filePhase === 'waiting' || notice) {
      fileBar.max = 100;
      fileBar.value = 0;
      fileText.textContent = '';
      return;
    }
    const pct = state.currentProgress;
    if (typeof pct === 'number' && Number.isFinite(pct)) {
      fileBar.max = 100;
      fileBar.value = Math.max(0, Math.min(100, pct));
      const verb = filePhase === 'uploading' ? 'uploading' : filePhase === 'checking' ? 'checking' : 'hashing';
      fileText.textContent = `${verb} ${name}… ${Math.round(pct)}%`;
    } else if (filePhase === 'uploading' && bytesTotal > 0 && bytesDone != null) {
      fileBar.max = bytesTotal;
      fileBar.value = Math.min(bytesDone, bytesTotal);
      fileText.textContent = `uploading ${name}… ${Math.round((100 * bytesDone) / bytesTotal)}%`;
    } else {
      fileBar.removeAttribute('value'); // indeterminate
      fileText.textContent = filePhase === 'checking' ? `checking ${name}…` : `uploading ${name}…`;
    }
  }

  function stopped(args) {
    running = false;
    const reason = args.reason;
    const message = String(args.message || reason || 'Backup stopped');
    setNotice(null);
    setRunStatus(message);
    renderFile(null, 'idle');
    if (ERROR_REASONS.has(reason)) {
      showError(error, reason === 'unauthorized' && !/log in/i.test(message)
        ? `${message} Log in again under Server.`
        : message);
    }
    refreshState();
    onStopped(args);
  }

  onChannelMessage((msg) => {
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
      case 'systemStop':
        stopped(msg.args ?? {});
        break;
      default:
        return;
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
      issues.render(list);
    } catch (err) {
      showError(error, errorMessage(err));
    }
  }

  /** Posts a command; `pending` shows until the worker's answer replaces it. */
  async function command(method, pending) {
    showError(error, '');
    try {
      await post({ method });
      setRunStatus(pending);
    } catch (err) {
      showError(error, errorMessage(err));
    }
  }

  startBtn.addEventListener('click', async () => {
    // ask for notifications only when the user starts a backup; a "no" does not stop it
    if ('Notification' in window && Notification.permission === 'default') {
      try { await Notification.requestPermission(); } catch { /* ignore */ }
      onNotificationPermission();
    }
    await command('start', 'Starting backup…');
  });
  pauseBtn.addEventListener('click', () => command('pause', 'Pausing after the current request…'));
  resumeBtn.addEventListener('click', () => command('resume', 'Resuming…'));
  stopBtn.addEventListener('click', () => command('stop', 'Stopping…'));
  cancelBtn.addEventListener('click', () => {
    // the browser's own dialog: modal, accessible, and it cannot be clicked through by accident
    if (!window.confirm('Cancel the backup? Files not yet sent leave the queue.')) return;
    command('cancel', 'Cancelling…');
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
    /** Whether a run is going (for the watchdog). */
    isRunning: going,
    setServiceState(s) {
      phase = typeof s?.phase === 'string' ? s.phase : null;
      sync();
    },
    setLoggedIn(yes) {
      loggedIn = yes;
      sync();
    },
    async stopIfRunning() {
      if (going()) await post({ method: 'stop' }).catch(() => {});
    },
    /** A Background Fetch's bytes ({ name, uploaded, total }), or null once none is on its way. */
    showCarried(progress) {
      carried = progress;
      renderFile(...lastFile);
    },
    /** Asks for a backup of what was just added, as Back up does (a run going is told). */
    async startRun() {
      if (!loggedIn || phase === 'paused') return;
      await command('start', going() ? runStatus : 'Starting backup…');
    },
  };
}
