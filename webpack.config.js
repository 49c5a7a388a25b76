// Bundles the PWA (www/) into dist/.
//
// www/app.js and its modules become dist/app.js, an ES module. The wasm package is NOT bundled:
// `./pkg/immich_background.js` stays a runtime `import` (externalsType 'module'), and the
// wasm-pack output is copied next to it (dist/pkg/), so the page and the service worker
// (www/sw.js, copied as is) load the very same files. Run `wasm-pack build --target web` first.
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

export default {
  mode: 'production',
  context: here,
  entry: { app: './www/app.js' },
  target: ['web', 'es2022'],
  experiments: { outputModule: true },
  output: {
    path: path.join(here, 'dist'),
    filename: '[name].js',
    module: true,
    chunkFormat: 'module',
    library: { type: 'module' },
    clean: true,
    publicPath: '',
  },
  externalsType: 'module',
  externals: {
    // keep the wasm package a runtime import, resolved next to dist/app.js
    './pkg/immich_background.js': './pkg/immich_background.js',
  },
  devtool: 'source-map',
  performance: { hints: false },
  optimization: { splitChunks: false },
  plugins: [
    new CopyPlugin({
      patterns: [
        ...['index.html', 'sw.js', 'manifest.webmanifest', 'icon.svg', 'style.css', ...optionalIcons].map((f) => ({
          from: `www/${f}`,
          to: f,
          info: { minimized: true }, // copied as is: readable in the browser's devtools
        })),
        { from: WASM_JS, to: WASM_JS, info: { minimized: true } },
        { from: WASM_BIN, to: WASM_BIN, info: { minimized: true } },
      ],
    }),
  ],
};
