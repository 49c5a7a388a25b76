// Section 1: server login.
import { $, showError, errorMessage } from './dom.js';

export function setupServer(ib, { onLogin, onLogout }) {
  const form = $('login-form');
  const urlInput = $('server-url');
  const keyInput = $('api-key');
  const connectBtn = $('connect');
  const logoutBtn = $('logout');
  const status = $('login-status');
  const error = $('login-error');

  const setLoggedIn = (yes) => {
    logoutBtn.disabled = !yes;
    if (yes) onLogin(); else onLogout();
  };

  async function connect() {
    showError(error, '');
    status.textContent = 'Connecting…';
    connectBtn.disabled = true;
    try {
      const info = await ib.connect(urlInput.value.trim(), keyInput.value.trim());
      urlInput.value = info.serverUrl;
      status.textContent = `Connected to ${info.serverUrl} as ${info.userName} (Immich v${info.version})`;
      setLoggedIn(true);
    } catch (err) {
      status.textContent = '';
      showError(error, errorMessage(err));
    } finally {
      connectBtn.disabled = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    connect();
  });

  logoutBtn.addEventListener('click', async () => {
    showError(error, '');
    try {
      await ib.logout();
      status.textContent = 'Logged out';
      setLoggedIn(false);
    } catch (err) {
      showError(error, errorMessage(err));
    }
  });

  return {
    /** Prefills from an existing login, else from /config.json, else with this page's origin. */
    async load() {
      let config = {};
      try {
        const res = await fetch('config.json', { cache: 'no-store' });
        if (res.ok) config = await res.json();
      } catch { /* no config: fine */ }
      let login;
      try {
        login = await ib.currentLogin();
      } catch (err) {
        showError(error, errorMessage(err));
      }
      if (login?.serverUrl) {
        urlInput.value = login.serverUrl;
        status.textContent = `Logged in to ${login.serverUrl}`;
      } else if (!urlInput.value) {
        // Behind the server's own reverse proxy (a real deployment: a stock server sends no CORS
        // headers) the server is this page's origin; config.json may name another one.
        const named = typeof config.defaultServerUrl === 'string' ? config.defaultServerUrl : '';
        urlInput.value = named || location.origin;
      }
      if (typeof config.defaultApiKey === 'string' && !keyInput.value) keyInput.value = config.defaultApiKey;
      setLoggedIn(Boolean(login?.serverUrl));
      // The bundled demo server: a new user can pick photos and back up straight away.
      if (!login?.serverUrl && config.autoConnect === true && urlInput.value && keyInput.value) await connect();
    },
  };
}
