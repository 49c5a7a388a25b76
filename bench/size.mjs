// The release wasm's size, raw and gzipped (as a server sends it), against the aim of issue 10:
// at most 200 KB gzipped, so that a wake-up of a stopped worker compiles little.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../tests/e2e/harness.mjs';

const AIM_KB = 200;
const wasm = readFileSync(path.join(ROOT, 'pkg/immich_background_bg.wasm'));
const gzipped = gzipSync(wasm, { level: 9 }).length;
console.log('wasm size (release build, pkg/immich_background_bg.wasm)');
console.log(`  raw: ${(wasm.length / 1000).toFixed(0)} KB, gzipped: ${(gzipped / 1000).toFixed(0)} KB`
  + ` (aim: at most ${AIM_KB} KB gzipped; ratio ${(gzipped / 1000 / AIM_KB).toFixed(2)})`);
