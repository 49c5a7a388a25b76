// Benchmark (a): SHA-1 inside a worker by the wasm package's hashBlob (the code every queued file
// goes through: whole by the browser's native digest below the setting hashStreamMinMb, 64 MiB by
// default, streamed in chunks from there) against the baseline crypto.subtle.digest('SHA-1') on
// each whole buffer, in the same worker, same run:
// 1. a mixed set (100 files of 1-20 MB and one of 256 MiB): hashBlob as set by default, and
//    hashBlob with every file streamed, each against the baseline on the same set;
// 2. the 256 MiB file alone: streamed against the baseline, and the wasm memory it took.
// The worker is a dedicated module worker that imports the package: a service worker cannot
// import modules at run time, and the production one exposes nothing to tests. The page's CSP
// forbids blob: workers, so the benchmark's browser context bypasses it.
import { start } from '../tests/e2e/harness.mjs';

const MIB = 1024 * 1024;
const LARGE_MIB = Number(process.env.BENCH_HASH_MIB ?? 256);
const FILES = Number(process.env.BENCH_HASH_FILES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Runs in the worker: every time and digest the report needs. */
async function measure(init, hashBlob, { largeMib, files, rounds }) {
  const block = new Uint8Array(MIB_IN_WORKER);
  crypto.getRandomValues(block.subarray(0, 65536));
  for (let i = 65536; i < block.length; i += 65536) block.copyWithin(i, 0, 65536);
  // File `n` of `mib` MiB, the same bytes each time it is made, every MiB unlike any other
  // file's. Files are made one at a time, untimed, and dropped once hashed: the browser's blob
  // storage refuses reads once a gigabyte or so of blobs is held.
  const file = (n, mib) => {
    const parts = [];
    for (let i = 0; i < mib; i++) {
      const serial = n * 1024 + i;
      block[0] = serial & 255;
      block[1] = (serial >> 8) & 255;
      block[2] = serial >> 16;
      parts.push(block.slice());
    }
    return new Blob(parts);
  };
  const largeSpec = [0, largeMib];
  const mixedSpecs = [largeSpec];
  for (let i = 0; i < files; i++) mixedSpecs.push([i + 1, 1 + ((i * 7) % 20)]);
  const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const subtle = async (blob) => hex(await crypto.subtle.digest('SHA-1', await blob.arrayBuffer()));
  const timed = async (hash, specs) => {
    let ms = 0;
    const digests = [];
    for (const [n, mib] of specs) {
      const blob = file(n, mib);
      const t = performance.now();
      digests.push(await hash(blob));
      ms += performance.now() - t;
    }
    return { ms, digests };
  };
  const instance = await init();
  const memoryBefore = instance.memory.buffer.byteLength;
  const times = { auto: [], streamed: [], subtle: [], largeStreamed: [], largeSubtle: [] };
  const digests = {};
  let memoryGrowth = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [name, hash, specs] of [
      ['largeStreamed', (b) => hashBlob(b, 0), [largeSpec]],
      ['largeSubtle', subtle, [largeSpec]],
      ['auto', (b) => hashBlob(b), mixedSpecs],
      ['streamed', (b) => hashBlob(b, 0), mixedSpecs],
      ['subtle', subtle, mixedSpecs],
    ]) {
      const { ms, digests: got } = await timed(hash, specs);
      times[name].push(ms);
      digests[name] = got;
      if (name === 'largeStreamed') memoryGrowth = instance.memory.buffer.byteLength - memoryBefore;
    }
  }
  const bytes = mixedSpecs.reduce((sum, [, mib]) => sum + mib * MIB_IN_WORKER, 0);
  return { times, digests, memoryGrowth, bytes, largeBytes: largeMib * MIB_IN_WORKER };
}

const env = await start({ bypassCsp: true });
try {
  await env.open();
  const result = await env.page.evaluate(async ({ options, bench }) => {
    const pkg = new URL('pkg/immich_background.js', location.href).href;
    const source = `import init, { hashBlob } from ${JSON.stringify(pkg)};
      const MIB_IN_WORKER = ${1024 * 1024};
      self.onmessage = async ({ data }) => {
        try { self.postMessage(await (${bench})(init, hashBlob, data)); }
        catch (err) { self.postMessage({ error: String(err) }); }
      };`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
    const answer = await new Promise((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => resolve({ error: event.message ?? 'the worker did not start' });
      worker.postMessage(options);
    });
    worker.terminate();
    if (answer.error) throw new Error(answer.error);
    return answer;
  }, { options: { largeMib: LARGE_MIB, files: FILES, rounds: ROUNDS }, bench: measure.toString() });

  for (const name of ['auto', 'streamed', 'largeStreamed']) {
    const baseline = name.startsWith('large') ? 'largeSubtle' : 'subtle';
    if (JSON.stringify(result.digests[name]) !== JSON.stringify(result.digests[baseline])) {
      throw new Error(`${name}: digests differ from crypto.subtle's`);
    }
  }
  const best = (xs) => Math.min(...xs);
  const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);
  const mixedMb = (result.bytes / 1e6).toFixed(0);
  const { times } = result;
  console.log(`hash: in a worker, best of ${ROUNDS}`);
  console.log(`  mixed set: ${FILES} files of 1-20 MiB and one of ${LARGE_MIB} MiB (${mixedMb} MB)`);
  console.log(`    hashBlob as set (whole below 64 MiB, streamed from there): ${mbps(result.bytes, best(times.auto)).toFixed(0)} MB/s`);
  console.log(`    hashBlob with every file streamed:                         ${mbps(result.bytes, best(times.streamed)).toFixed(0)} MB/s`);
  console.log(`    crypto.subtle.digest on each whole file (baseline):        ${mbps(result.bytes, best(times.subtle)).toFixed(0)} MB/s`);
  console.log(`    ratio as set / baseline: ${(best(times.subtle) / best(times.auto)).toFixed(2)} (aim: at least 1.0)`);
  console.log(`    ratio all streamed / baseline: ${(best(times.subtle) / best(times.streamed)).toFixed(2)}`);
  console.log(`  the ${LARGE_MIB} MiB file alone`);
  console.log(`    streamed: ${mbps(result.largeBytes, best(times.largeStreamed)).toFixed(0)} MB/s, crypto.subtle.digest: ${mbps(result.largeBytes, best(times.largeSubtle)).toFixed(0)} MB/s`);
  console.log(`    ratio streamed / baseline: ${(best(times.largeSubtle) / best(times.largeStreamed)).toFixed(2)} (aim: at least 0.9)`);
  console.log(`    wasm memory grown while streaming it: ${(result.memoryGrowth / MIB).toFixed(1)} MiB (aim: at most 16;`
    + ' wasm memory never shrinks: this is the peak; the baseline holds the whole file)');
} finally {
  await env.stop();
}
