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
