/**
 * The Chromium renderers' memory while a real-VS-Code benchmark runs (bench/bigimageWebview.ts, bench/web.ts): the
 * largest growth of one renderer's resident memory, sampled from /proc (Linux).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory (bytes) of every Chromium renderer process, by pid. */
export function rendererRss(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${d}/status`, 'utf8'));
      if (rss) out.set(Number(d), Number(rss[1]) * 1024);
    } catch { /* gone */ }
  }
  return out;
}

/**
 * Starts sampling every `intervalMs` against the renderers' memory now; `stop()` takes a last sample, stops and
 * returns the largest growth (bytes) of one renderer (a renderer started since counts from zero).
 */
export function sampleRendererGrowth(intervalMs = 100): { stop(): number } {
  const baseline = rendererRss();
  let peakGrowth = 0;
  const sample = () => {
    for (const [pid, rss] of rendererRss()) peakGrowth = Math.max(peakGrowth, rss - (baseline.get(pid) ?? 0));
  };
  const sampler = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(sampler);
      return peakGrowth;
    },
  };
}

/**
 * Waits until the renderers' memory is steady: the page of a workbench that has just shown its explorer keeps growing
 * for a few seconds (the web-worker extension host starts and loads the installed extensions: 50–90 MiB in code-server's
 * web host, whatever is opened afterwards). Steady: every renderer within `quietBytes` over `quietMs`, sampled every
 * 200 ms, at most `timeoutMs`.
 * @returns how long it took, and the largest growth of one renderer's resident memory from the call to the end
 */
export async function waitForRenderersToSettle(
  { quietBytes = 3 * 2 ** 20, quietMs = 2000, timeoutMs = 20000 } = {},
): Promise<{ ms: number; settled: boolean; growthBytes: number }> {
  const start = rendererRss();
  const t0 = Date.now();
  const history: Map<number, number>[] = [];
  const window = Math.ceil(quietMs / 200);
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const now = rendererRss();
    history.push(now);
    if (history.length > window) history.shift();
    const steady = history.length === window && [...now.keys()].every((pid) => {
      const values = history.map((h) => h.get(pid) ?? 0);
      return Math.max(...values) - Math.min(...values) <= quietBytes;
    });
    const elapsed = Date.now() - t0;
    if (steady || elapsed >= timeoutMs) {
      let growthBytes = 0;
      for (const [pid, rss] of now) growthBytes = Math.max(growthBytes, rss - (start.get(pid) ?? 0));
      return { ms: elapsed, settled: steady, growthBytes };
    }
  }
}
