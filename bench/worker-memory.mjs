// Shared by the benches that read a service worker's memory: a DevTools protocol session on
// the worker's own target, its wasm linear memory and its heap sampled over time.

const SAMPLE_MS = 100;

export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * A DevTools protocol session on the service worker's own target (Playwright opens sessions on
 * pages and frames only): attached through the page's session, messages wrapped in
 * Target.sendMessageToTarget. Resolves with send(method, params) -> result, and detach().
 */
export async function workerSession(env) {
  const cdp = await env.context.newCDPSession(env.page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(env.wwwUrl));
  if (!target) throw new Error(`no service worker target: ${targetInfos.map((t) => `${t.type} ${t.url}`).join(', ')}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let last = 0;
  const waiting = new Map();
  // a worker that stops takes its target with it: what was asked of it fails at once, by name
  cdp.on('Target.detachedFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    for (const [id, pending] of waiting) {
      waiting.delete(id);
      pending.reject(new Error(`${pending.method}: the service worker's target went away (the worker stopped)`));
    }
  });
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message);
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
    else pending.resolve(message.result);
  });
  // a call the worker never answers fails the bench, naming it, instead of hanging it
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = ++last;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`${method}: no answer from the service worker in 60 s`));
    }, 60_000);
    const settle = (then) => (value) => {
      clearTimeout(timer);
      then(value);
    };
    waiting.set(id, { resolve: settle(resolve), reject: settle(reject), method });
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(settle(reject));
  });
  return { send, detach: () => cdp.detach() };
}

/** The byte size of every WebAssembly.Memory alive in the worker (the wasm package's one). */
export async function wasmMemories(session) {
  const proto = await session.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const found = await session.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
  const sizes = await session.send('Runtime.callFunctionOn', {
    objectId: found.objects.objectId,
    functionDeclaration: 'function () { return this.map((memory) => memory.buffer.byteLength); }',
    returnByValue: true,
  });
  return sizes.result.value;
}

/** Samples Runtime.getHeapUsage every SAMPLE_MS until stop() (which resolves with the peaks). */
export function sampleHeap(session, { debug = false } = {}) {
  const peak = { used: 0, embedder: 0, backing: 0, samples: 0 };
  const t0 = performance.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const usage = await session.send('Runtime.getHeapUsage');
      peak.used = Math.max(peak.used, usage.usedSize);
      peak.embedder = Math.max(peak.embedder, usage.embedderHeapUsedSize ?? 0);
      peak.backing = Math.max(peak.backing, usage.backingStorageSize ?? 0);
      peak.samples++;
      if (debug) {
        console.log(`  ${(started - t0).toFixed(0)} ms: JS heap ${mib(usage.usedSize)} of ${mib(usage.totalSize)},`
          + ` embedder ${mib(usage.embedderHeapUsedSize ?? 0)}, backing stores ${mib(usage.backingStorageSize ?? 0)}`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, SAMPLE_MS - (performance.now() - started))));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return peak;
  };
}
