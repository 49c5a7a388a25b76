// Bundles the PWA (www/) into dist/ and the browser extension into dist/extension/.
//
// www/app.js and its modules become app.js, an ES module. The wasm package is NOT bundled:
// `./pkg/immich_background.js` stays a runtime `import` (externalsType 'module'), and the
// wasm-pack output is copied next to it (pkg/), so the page and the service worker (www/sw.js,
// copied as is) load the very same files. Run `wasm-pack build --target web` first.
//
// The two builds share every source file. They differ in www/lib/platform.js, which the
// extension's build replaces with www/extension/platform.js (how the page reaches its worker and
// the server), and in what only an extension has: its manifest, its worker's entry
// (background.js: sw.js plus the extension's wake-ups) and the toolbar popup.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import CopyPlugin from 'copy-webpack-plugin';

const here = path.dirname(fileURLToPath(import.meta.url));
const WASM_JS = 'pkg/immich_background.js';
const WASM_BIN = 'pkg/immich_background_bg.wasm';

for (const f of [WASM_JS, WASM_BIN]) {
  if (!fs.existsSync(path.join(here, f))) {
    throw new Error(`${f} is missing: build the wasm package first (wasm-pack build --target web)`);
  }
}

const optionalIcons = ['icon-192.png', 'icon-512.png'].filter((f) => fs.existsSync(path.join(here, 'www', f)));

/** Copied as is: readable in the browser's devtools. */
const copy = (from, to) => ({ from, to, info: { minimized: true } });

const shared = (outDir, entry, files) => ({
  mode: 'production',
  context: here,
  entry,
  target: ['web', 'es2022'],
  experiments: { outputModule: true },
  output: {
    path: path.join(here, outDir),
    filename: '[name].js',
    module: true,
    chunkFormat: 'module',
    library: { type: 'module' },
    publicPath: '',
  },
  externalsType: 'module',
  externals: {
    // keep the wasm package a runtime import, resolved next to the bundle
    './pkg/immich_background.js': './pkg/immich_background.js',
  },
  devtool: 'source-map',
  performance: { hints: false },
  optimization: { splitChunks: false },
  plugins: [
    new CopyPlugin({
      patterns: [
        ...['index.html', 'sw.js', 'worker-events.js', 'icon.svg', 'style.css', ...optionalIcons].map((f) => copy(`www/${f}`, f)),
        ...files,
        copy(WASM_JS, WASM_JS),
        copy(WASM_BIN, WASM_BIN),
      ],
    }),
  ],
});

const pwa = shared('dist', { app: './www/app.js' }, [copy('www/manifest.webmanifest', 'manifest.webmanifest')]);
// the extension's build writes its own folder inside dist/
pwa.output.clean = { keep: /^extension(\/|$)|\.zip$/ };

const extension = shared(
  'dist/extension',
  { app: './www/app.js', popup: './www/extension/popup.js' },
  ['manifest.json', 'background.js', 'popup.html', 'popup.css'].map((f) => copy(`www/extension/${f}`, f)),
);
extension.output.clean = true;
extension.resolve = {
  alias: { [path.join(here, 'www/lib/platform.js')]: path.join(here, 'www/extension/platform.js') },
};

export default [pwa, extension];
