// Benchmark (a): SHA-1 of one 256 MiB Blob inside a worker, streamed in chunks by the wasm
// package (hashBlob, the code every queued file goes through) against the baseline
// crypto.subtle.digest('SHA-1') on the whole buffer, in the same worker, same run. The worker is
// a dedicated module worker that imports the package: a service worker cannot import modules
// at run time, and the production one exposes nothing to tests. The page's CSP forbids blob:
// workers, so the benchmark's browser context bypasses it.
import { start } from '../tests/e2e/harness.mjs';

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_HASH_MIB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const env = await start({ bypassCsp: true });
try {
  await env.open();
  const result = await env.page.evaluate(async ({ sizeMib, rounds, bench }) => {
    const pkg = new URL('pkg/immich_background.js', location.href).href;
    const source = `import init, { hashBlob } from ${JSON.stringify(pkg)};
      self.onmessage = async ({ data: { sizeMib, rounds } }) => {
        try { self.postMessage(await (${bench})(init, hashBlob, sizeMib, rounds)); }
        catch (err) { self.postMessage({ error: String(err) }); }
      };`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
    const answer = await new Promise((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => resolve({ error: event.message ?? 'the worker did not start' });
      worker.postMessage({ sizeMib, rounds });
    });
    worker.terminate();
    if (answer.error) throw new Error(answer.error);
    return answer;
  }, { sizeMib: SIZE_MIB, rounds: ROUNDS, bench: (async (init, hashBlob, sizeMib, rounds) => {
    const chunk = new Uint8Array(1024 * 1024);
    crypto.getRandomValues(chunk.subarray(0, 65536));
    for (let i = 65536; i < chunk.length; i += 65536) chunk.copyWithin(i, 0, 65536);
    const parts = [];
    for (let i = 0; i < sizeMib; i++) {
      chunk[0] = i; // every MiB differs
      parts.push(chunk.slice());
    }
    const blob = new Blob(parts);
    const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const instance = await init();
    const memoryBefore = instance.memory.buffer.byteLength;
    const times = { wasm: [], subtle: [], read: [] };
    const digests = {};
    let memoryGrowth = 0;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      digests.wasm = await hashBlob(blob);
      times.wasm.push(performance.now() - t);
      memoryGrowth = instance.memory.buffer.byteLength - memoryBefore;
      t = performance.now();
      digests.subtle = hex(await crypto.subtle.digest('SHA-1', await blob.arrayBuffer()));
      times.subtle.push(performance.now() - t);
      // The same stream read with nothing done to the chunks: what reading alone costs.
      t = performance.now();
      const reader = blob.stream().getReader();
      while (!(await reader.read()).done);
      times.read.push(performance.now() - t);
    }
    return { times, digests, memoryGrowth };
  }).toString() });
  if (result.digests.wasm !== result.digests.subtle) {
    throw new Error(`digests differ: wasm ${result.digests.wasm}, subtle ${result.digests.subtle}`);
  }
  const best = (xs) => Math.min(...xs);
  const mbps = (ms) => (SIZE_MIB * MIB) / 1e6 / (ms / 1000);
  const wasm = mbps(best(result.times.wasm));
  const subtle = mbps(best(result.times.subtle));
  console.log(`hash: ${SIZE_MIB} MiB Blob in a worker, best of ${ROUNDS}`);
  console.log(`  streaming wasm SHA-1 (Blob.stream()): ${wasm.toFixed(0)} MB/s`);
  console.log(`  crypto.subtle.digest (whole buffer): ${subtle.toFixed(0)} MB/s`);
  console.log(`  ratio wasm / subtle: ${(wasm / subtle).toFixed(2)}`);
  console.log(`  of the streaming time, reading the stream alone takes ${(100 * best(result.times.read) / best(result.times.wasm)).toFixed(0)}%`);
  console.log(`  wasm memory grown while hashing ${SIZE_MIB} MiB: ${(result.memoryGrowth / MIB).toFixed(1)} MiB`
    + ' (wasm memory never shrinks: this is the peak; subtle needs the whole buffer)');
} finally {
  await env.stop();
}
