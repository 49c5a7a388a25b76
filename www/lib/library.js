// Section "Library": the mirror of the server's library, read from IndexedDB (works offline),
// re-read when the worker says a batch of changes is committed; no polling.
import { $, h, showError, errorMessage } from './dom.js';
import { onChannelMessage, post } from './worker.js';

// Enough to browse; the rest of a large library behind "Show more" keeps the page quick.
const PAGE_ASSETS = 600;
// A first sync of a large library stores hundreds of batches: the page reads the mirror at most
// this often meanwhile, not once per batch.
const CHANGE_READ_MS = 1_000;
// Reading a large mirror takes seconds and holds back the worker's next commit: during a sync,
// between reads for stored batches the page waits this many times the last read's length, so
// that reading takes at most a tenth of a long sync. The sync's end is read at once. (Live
// updates come in batches at least 5 s apart and are read as they come.)
const READ_SPACING = 10;

export function setupLibrary(ib) {
  const note = $('library-note');
  const syncBtn = $('sync-now');
  const status = $('sync-status');
  const live = $('live-status');
  const counts = $('library-counts');
  const timeline = $('timeline');
  const more = $('timeline-more');
  const albums = $('library-albums');
  const partners = $('library-partners');
  const trash = $('library-trash');
  const deletedBox = $('deleted-on-server-box');
  const deletedTitle = $('deleted-on-server-title');
  const deleted = $('deleted-on-server');
  const error = $('library-error');
  let shown = PAGE_ASSETS;
  let canSync = false;
  let view = null;
  let reading = null;
  let again = false;
  let changeTimer = null;
  let lastRead = { took: 0, ended: 0 };
  // whether a batch was stored since the view was read
  let stale = true;
  let syncing = false;

  // Thumbnails load when they scroll into view, through the worker's credential (wasm).
  const thumbs = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      thumbs.unobserve(entry.target);
      loadThumbnail(entry.target);
    }
  }, { rootMargin: '200px' });

  async function loadThumbnail(img) {
    try {
      const blob = await ib.thumbnail(img.dataset.assetId);
      img.src = URL.createObjectURL(blob);
      img.addEventListener('load', () => URL.revokeObjectURL(img.src), { once: true });
    } catch {
      img.classList.add('no-thumbnail');
    }
  }

  const assetItem = (asset) => {
    const img = h('img', { alt: asset.name, width: 96, height: 96, 'data-asset-id': asset.id });
    thumbs.observe(img);
    return h('li', { class: 'asset', 'data-asset-id': asset.id, title: asset.name }, img, h('span', { text: asset.name }));
  };

  function renderTimeline() {
    timeline.replaceChildren();
    let left = shown;
    for (const day of view.days) {
      if (left <= 0) break;
      const items = day.assets.slice(0, left);
      left -= items.length;
      timeline.append(h('h3', { text: day.date }), h('ul', { class: 'day', 'data-date': day.date }, ...items.map(assetItem)));
    }
    more.hidden = left > 0 || view.counts.timeline <= shown;
  }

  function render() {
    const c = view.counts;
    counts.textContent = `${c.photos} photos, ${c.videos} videos, ${c.albums} albums, ${c.partners} partners, ${c.trashed} in trash`;
    albums.replaceChildren(...view.albums.map((a) => h('li', { 'data-album-id': a.id, text: `${a.name} (${a.count})` })));
    partners.replaceChildren(...view.partners.map((p) => h('li', { 'data-user-id': p.id, text: `${p.name} (${p.assets.length})` })));
    trash.replaceChildren(...view.trash.map((a) => h('li', { 'data-asset-id': a.id, text: a.name })));
    deleted.replaceChildren(...view.deletedOnServer.map((f) => h('li', { 'data-asset-id': f.remoteId, text: f.name })));
    deletedTitle.textContent = `Deleted on the server (${view.deletedOnServer.length})`;
    deletedBox.hidden = view.deletedOnServer.length === 0;
    renderTimeline();
  }

  /** Reads the mirror again; calls that arrive meanwhile fold into one more read. */
  async function refresh() {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        stale = false;
        const started = performance.now();
        try {
          view = await ib.libraryView();
          lastRead = { took: performance.now() - started, ended: performance.now() };
          render();
          showError(error, '');
        } catch (err) {
          stale = true;
          showError(error, errorMessage(err));
        }
      } while (again);
      reading = null;
    })();
    return reading;
  }

  /** A batch was stored: read the mirror again soon, once for every batch stored meanwhile. */
  function changed() {
    if (changeTimer) return;
    const spaced = syncing ? lastRead.ended + READ_SPACING * lastRead.took - performance.now() : 0;
    changeTimer = setTimeout(() => {
      changeTimer = null;
      refresh();
    }, Math.max(CHANGE_READ_MS, spaced));
  }

  syncBtn.addEventListener('click', () => {
    post({ method: 'syncNow' }).catch((err) => showError(error, errorMessage(err)));
  });
  more.addEventListener('click', () => {
    shown += PAGE_ASSETS;
    renderTimeline();
  });

  onChannelMessage((msg) => {
    if (msg.method === 'libraryChanged') {
      stale = true;
      changed();
    }
    if (msg.method === 'liveState' && canSync) {
      live.textContent = msg.args.message;
      live.classList.toggle('live', Boolean(msg.args.live));
    }
    if (msg.method === 'syncState') {
      syncing = Boolean(msg.args.syncing);
      status.textContent = msg.args.message;
      status.classList.toggle('error', Boolean(msg.args.failed));
      // stays enabled while syncing: a worker stopped mid-sync never says it ended, and a press
      // during a sync only makes it look once more
      // a sync that wrote nothing leaves the view as it is (a large mirror takes seconds to
      // read), unless none could be read yet
      if (!msg.args.syncing && (stale || !view)) {
        clearTimeout(changeTimer);
        changeTimer = null;
        refresh();
      }
    }
  });

  return {
    refresh,
    /** What the login allows: the mirror needs a session (a password login). */
    setLogin(login) {
      canSync = Boolean(login?.canSync);
      note.hidden = !login || canSync;
      syncBtn.disabled = !canSync;
      if (!login) status.textContent = '';
      // the socket authenticates with a session only (a real server reads no key from a browser)
      live.textContent = login && !canSync ? 'Live updates need a password login' : '';
    },
  };
}
