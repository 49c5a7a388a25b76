// Section 1: server login.
import { $, showError, errorMessage } from './dom.js';
import { onChannelMessage } from './worker.js';
import { defaultServerUrl, requestServerAccess } from './platform.js';

export function setupServer(ib, { onLogin, onLogout }) {
  const form = $('login-form');
  const urlInput = $('server-url');
  const emailInput = $('email');
  const passwordInput = $('password');
  const keyInput = $('api-key');
  const loginBtn = $('login');
  const connectBtn = $('connect');
  const logoutBtn = $('logout');
  const status = $('login-status');
  const error = $('login-error');

  async function setLoggedIn(yes) {
    logoutBtn.disabled = !yes;
    if (!yes) return onLogout();
    let login = null;
    try {
      login = await ib.currentLogin();
    } catch (err) {
      showError(error, errorMessage(err));
    }
    onLogin(login ?? null);
  }

  /** Runs one of the two logins, showing progress and the outcome. */
  async function logIn(how) {
    // first, while the click still counts as the user's: an extension asks for the server here
    const access = requestServerAccess(ib, urlInput.value.trim());
    showError(error, '');
    status.textContent = 'Connecting…';
    loginBtn.disabled = connectBtn.disabled = true;
    try {
      if (!(await access)) throw new Error('access to this server was not granted: allow it to log in');
      const info = await how();
      urlInput.value = info.serverUrl;
      passwordInput.value = '';
      status.textContent = `Connected to ${info.serverUrl} as ${info.userName} (Immich v${info.version})`;
      await setLoggedIn(true);
    } catch (err) {
      status.textContent = '';
      showError(error, errorMessage(err));
    } finally {
      loginBtn.disabled = connectBtn.disabled = false;
    }
  }

  const withPassword = () => logIn(() => ib.loginWithPassword(urlInput.value.trim(), emailInput.value.trim(), passwordInput.value));
  const withKey = () => logIn(() => ib.connect(urlInput.value.trim(), keyInput.value.trim()));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withPassword();
  });
  connectBtn.addEventListener('click', withKey);

  logoutBtn.addEventListener('click', async () => {
    showError(error, '');
    try {
      await ib.logout();
      status.textContent = 'Logged out';
      await setLoggedIn(false);
    } catch (err) {
      showError(error, errorMessage(err));
    }
  });

  // The worker heard this session end on the server (the live updates' on_session_delete): it
  // wiped the login, and the page shows the login form again.
  onChannelMessage(async (msg) => {
    if (msg.method !== 'systemStop' || msg.args?.reason !== 'unauthorized' || logoutBtn.disabled) return;
    let login = null;
    try {
      login = await ib.currentLogin();
    } catch { /* unreadable: the next load tells */ }
    if (login) return;
    status.textContent = 'Logged out: this session was ended on the server. Log in again.';
    await setLoggedIn(false);
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
      } else if (!urlInput.value) {
        // Behind the server's own reverse proxy (a real deployment: a stock server sends no CORS
        // headers) the server is this page's origin; config.json may name another one.
        const named = typeof config.defaultServerUrl === 'string' ? config.defaultServerUrl : '';
        urlInput.value = named || defaultServerUrl();
      }
      if (typeof config.defaultApiKey === 'string' && !keyInput.value) keyInput.value = config.defaultApiKey;
      if (typeof config.defaultEmail === 'string' && !emailInput.value) emailInput.value = config.defaultEmail;
      if (typeof config.defaultPassword === 'string' && !passwordInput.value) passwordInput.value = config.defaultPassword;
      if (login?.serverUrl) {
        const kind = login.kind === 'session' ? 'with a password login' : 'with an API key (backup only)';
        status.textContent = `Logged in to ${login.serverUrl} ${kind}`;
      }
      await setLoggedIn(Boolean(login?.serverUrl));
      // The bundled demo server: a new user can pick photos and back up straight away.
      if (!login?.serverUrl && config.autoConnect === true && urlInput.value) {
        if (emailInput.value && passwordInput.value) await withPassword();
        else if (keyInput.value) await withKey();
      }
    },
  };
}
