/** The compute Web Worker's bundled source (dist/web/computeWorker.js), embedded as text by esbuild.mjs. */
declare module 'pixel-classifier:compute-worker-source' {
  const source: string;
  export default source;
}
