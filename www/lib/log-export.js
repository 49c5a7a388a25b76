// The log as a file the user can keep or send: `.txt` (one line per entry: ISO time, level,
// message) or `.jsonl` (one entry per line, as readLogs returns it).
import { h } from './dom.js';

/** How long the download's object URL lives: the browser reads it after the click returns. */
const URL_LIFETIME_MS = 60_000;

const iso = (ms) => {
  const at = new Date(Number(ms));
  return Number.isNaN(at.getTime()) ? '-' : at.toISOString();
};

export function toText(entries) {
  // a message with a line break would read as two entries
  return entries
    .map((e) => `${iso(e.atMs)} ${String(e.level ?? '')} ${String(e.message ?? '').replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
    .join('');
}

export function toJsonl(entries) {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** Saves `text` as a file named `name`, through the browser's downloads. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name, hidden: '' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
}
