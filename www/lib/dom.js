// Tiny DOM helpers. Every string that came from a server, a file or an error is set with
// textContent, never innerHTML.

export const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
};

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, String(v));
  }
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Shows `message` in an error element (hidden when empty). */
export function showError(el, message) {
  el.textContent = message ?? '';
  el.hidden = !message;
}

/** A readable message for anything a promise rejected with. */
export function errorMessage(err) {
  if (err == null) return 'unknown error';
  if (typeof err === 'string') return err;
  if (typeof err.message === 'string' && err.message) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** "14:32", with the date when it is not today; '' for a time that is not one. */
export function when(ms) {
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) return '';
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return at.toDateString() === new Date().toDateString() ? time : `${at.toLocaleDateString()} ${time}`;
}

/** "0.3 MB", "42 MB", "12.5 GB": the wording of the quota's message (core::quota::size_text). */
export function sizeText(bytes) {
  const mb = Number(bytes) / 1e6;
  if (mb < 9.95) return `${mb.toFixed(1)} MB`;
  if (mb < 999.5) return `${mb.toFixed(0)} MB`;
  return `${(mb / 1000).toFixed(1)} GB`;
}
