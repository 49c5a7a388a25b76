// The npm package as an embedder gets it: `npm pack` of pkg/, installed from the tarball into a
// scratch web app (tests/consumer-app/) that type-checks against it with `tsc --strict`, is
// bundled by webpack, and backs up files through the package's service worker in headless
// Chromium, served next to the test server as a deployment behind Immich's proxy would be.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import webpack from 'webpack';
import { chromium } from 'playwright-core';
import {
  API_KEY, CHROMIUM_ARGS, FAKE_IMMICH_BIN, ROOT, freePort, killChild, photos, serverApi, sha1, spawnAndWait,
} from './harness.mjs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'immich-e2e-consumer-'));
const app = path.join(work, 'app');
const children = [];
let browser;
after(async () => {
  await browser?.close();
  await Promise.all(children.map(killChild));
  fs.rmSync(work, { recursive: true, force: true });
});

const run = (cmd, args, cwd) => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout}\n${err.stderr}`);
  }
};

function bundle() {
  const config = {
    mode: 'production',
    context: app,
    entry: { app: './build/app.js', sw: './build/sw.js' },
    target: ['web', 'es2022'],
    experiments: { outputModule: true },
    output: { path: path.join(app, 'dist'), filename: '[name].js', module: true, chunkFormat: 'module', clean: true },
    optimization: { splitChunks: false },
    performance: { hints: false },
  };
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString('errors-only')));
      resolve(stats.toJson({ assets: true }).assets.map((a) => a.name));
    });
  });
}

test('packed, installed, type-checked strictly, bundled: the scratch app backs up through the package', { timeout: 240_000 }, async () => {
  const tarball = run('npm', ['pack', path.join(ROOT, 'pkg'), '--pack-destination', work, '--silent'], work).trim().split('\n').at(-1);
  const packed = run('tar', ['-tzf', path.join(work, tarball)], work).split('\n').filter(Boolean).sort();
  assert.deepEqual(packed, [
    'package/README.md', 'package/immich_background.d.ts', 'package/immich_background.js',
    'package/immich_background_bg.wasm', 'package/immich_background_bg.wasm.d.ts', 'package/package.json',
    'package/worker.d.ts', 'package/worker.js',
  ]);

  fs.cpSync(path.join(ROOT, 'tests/consumer-app'), app, { recursive: true });
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(work, tarball)], app);
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  for (const project of ['tsconfig.json', 'tsconfig.sw.json']) run(process.execPath, [tsc, '-p', project], app);
  const assets = await bundle();
  assert.ok(assets.some((a) => a.endsWith('.wasm')), `webpack emitted the package's wasm: ${assets}`);
  fs.copyFileSync(path.join(app, 'index.html'), path.join(app, 'dist/index.html'));

  const dataDir = path.join(work, 'server');
  const immich = await spawnAndWait('fake-immich', FAKE_IMMICH_BIN,
    ['--port', '0', '--data-dir', dataDir, '--api-key', API_KEY], /listening on (http:\/\/\S+)/);
  children.push(immich.child);
  const serverUrl = immich.value.replace(/\/$/, '');
  const www = await spawnAndWait('serve-www', process.execPath, [
    path.join(ROOT, 'scripts/serve-www.mjs'), '--port', String(await freePort()), '--dir', path.join(app, 'dist'),
    '--api-upstream', serverUrl,
  ], /www listening on (http:\/\/\S+)/);
  children.push(www.child);

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(www.value);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true'
    || document.getElementById('status').textContent, null, { timeout: 30_000 });
  assert.equal(await page.textContent('#status'), '', 'the app started');

  await page.fill('#api-key', API_KEY);
  await page.click('#connect');
  await page.waitForFunction(() => document.getElementById('status').textContent, null, { timeout: 20_000 });
  assert.match(await page.textContent('#status'), /^Connected to http:\/\/127\.0\.0\.1:\d+\/api \(Immich v/);

  const files = photos('consumer', 6, { min: 5_000, max: 40_000 });
  await page.setInputFiles('#files', files.map((f) => ({ name: f.name, mimeType: 'image/jpeg', buffer: f.buffer })));
  await page.waitForFunction(() => document.getElementById('queued').textContent === '6 queued', null, { timeout: 20_000 });
  await page.click('#backup');
  await page.waitForFunction(() => document.getElementById('stopped').dataset.reason, null, { timeout: 60_000 });
  assert.equal(await page.$eval('#stopped', (e) => e.dataset.reason), 'completed');
  assert.equal(await page.textContent('#progress'), '6 of 6 backed up, 0 failed');

  const arrivals = await serverApi(serverUrl)('/api/fake-immich/uploads');
  assert.deepEqual(files.map((f) => arrivals[sha1(f.buffer)] ?? 0), [1, 1, 1, 1, 1, 1], 'each file uploaded once');
  assert.deepEqual(errors.map(String), []);
});
