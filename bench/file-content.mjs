// The bytes of the benches' generated files: file number `n` gets 1-4 KB starting as a JPEG
// does, the same in every bench and run, none alike (xorshift32 seeded by `n`).
//
// Page functions given to page.evaluate cannot import: pass `installFileContent` to
// page.evaluate first, and they call `globalThis.benchFileContent(n)`.
export function installFileContent() {
  globalThis.benchFileContent = (n) => {
    let x = (Math.imul(n + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
    const next = () => {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      return x;
    };
    const size = 1024 + (next() % (3 * 1024 + 1));
    const words = new Uint32Array(Math.ceil(size / 4));
    for (let i = 0; i < words.length; i++) words[i] = next();
    const bytes = new Uint8Array(words.buffer, 0, size);
    bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
    return bytes;
  };
}
