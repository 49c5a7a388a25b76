// Makes pkg/ (wasm-pack's output) the npm package `immich-background`: its package.json, the
// service worker's glue as `immich-background/worker`, and the README for embedders. Name,
// version, description and license come from Cargo.toml, so the two never disagree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'pkg');

const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
const packageSection = cargo.slice(cargo.indexOf('[package]'));
const field = (name) => {
  const found = new RegExp(`^${name} = "([^"]*)"`, 'm').exec(packageSection);
  if (!found) throw new Error(`Cargo.toml's [package] has no ${name}`);
  return found[1];
};

const MAIN = 'immich_background';
for (const f of [`${MAIN}.js`, `${MAIN}.d.ts`, `${MAIN}_bg.wasm`]) {
  if (!fs.existsSync(path.join(pkg, f))) throw new Error(`pkg/${f} is missing: run wasm-pack build first`);
}
fs.copyFileSync(path.join(root, 'www/worker-events.js'), path.join(pkg, 'worker.js'));
fs.copyFileSync(path.join(root, 'www/worker-events.d.ts'), path.join(pkg, 'worker.d.ts'));
fs.copyFileSync(path.join(root, 'docs/PACKAGE.md'), path.join(pkg, 'README.md'));

const manifest = {
  name: field('name'),
  version: field('version'),
  description: field('description'),
  license: field('license'),
  keywords: ['immich', 'backup', 'photos', 'service-worker', 'webassembly'],
  type: 'module',
  main: `./${MAIN}.js`,
  types: `./${MAIN}.d.ts`,
  exports: {
    '.': { types: `./${MAIN}.d.ts`, default: `./${MAIN}.js` },
    './worker': { types: './worker.d.ts', default: './worker.js' },
    [`./${MAIN}_bg.wasm`]: `./${MAIN}_bg.wasm`,
    './package.json': './package.json',
  },
  files: [`${MAIN}.js`, `${MAIN}.d.ts`, `${MAIN}_bg.wasm`, `${MAIN}_bg.wasm.d.ts`, 'worker.js', 'worker.d.ts', 'README.md'],
  sideEffects: false,
};
fs.writeFileSync(path.join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`pkg/: ${manifest.name}@${manifest.version}`);
