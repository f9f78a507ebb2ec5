// Reading the editor's state from inside the webview (the nested #active-frame) through the DOM contract
// of /work/notes/contracts.md: #image-canvas, #pixel-readout, body.dataset.{ready,labelCount,predictionTiles}.
'use strict';

/**
 * Reads back the composited pixels of #image-canvas as RGBA, at CSS-pixel resolution of the region
 * `{x, y, width, height}` (CSS px, relative to the canvas' padding box; default: the whole canvas).
 * Works for 2D canvases and, via drawImage, for WebGL canvases that preserve their drawing buffer.
 * @returns {Promise<{ width: number, height: number, data: Uint8Array }>}
 */
function readCanvas(frame, region) {
  return frame.evaluate((region) => {
    const c = document.querySelector('#image-canvas');
    if (!c) throw new Error('#image-canvas not found');
    const sx = c.width / c.clientWidth; const sy = c.height / c.clientHeight; // HiDPI backing store
    const r = region || { x: 0, y: 0, width: c.clientWidth, height: c.clientHeight };
    const w = Math.max(1, Math.round(r.width)); const h = Math.max(1, Math.round(r.height));
    const tmp = document.createElement('canvas');
    tmp.width = w; tmp.height = h;
    const g = tmp.getContext('2d', { willReadFrequently: true });
    g.imageSmoothingEnabled = false;
    g.drawImage(c, r.x * sx, r.y * sy, r.width * sx, r.height * sy, 0, 0, w, h);
    // base64 of the raw bytes: far cheaper to ship out of the page than a JSON array of numbers
    const bytes = g.getImageData(0, 0, w, h).data;
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return { width: w, height: h, base64: btoa(bin) };
  }, region || null).then(({ width, height, base64 }) => ({ width, height, data: new Uint8Array(Buffer.from(base64, 'base64')) }));
}

/** Luminance statistics of an RGBA readback: distinct grey levels, mean, standard deviation, colourfulness. */
function stats({ data }) {
  const levels = new Set();
  let n = 0; let sum = 0; let sum2 = 0; let chroma = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    const l = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    levels.add(l); n++; sum += l; sum2 += l * l;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
  }
  const mean = sum / n;
  return { levels: levels.size, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), meanChroma: chroma / n };
}

/** Fraction of pixels whose RGB differs by more than `threshold` (sum of |Δ|) between two readbacks. */
function changedFraction(a, b, threshold = 24) {
  let changed = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const d = Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
    if (d > threshold) changed++;
  }
  return changed / (a.data.length / 4);
}

const READOUT = /x=(-?\d+)\s+y=(-?\d+)\s+z=(\d+)\s+t=(\d+)\s*\|\s*c0=(-?[\d.eE+-]+)/;

/** Parses `x=<col> y=<row> z=<z> t=<t> | c0=<raw> …`; null when the text does not match. */
function parseReadout(text) {
  const m = READOUT.exec(text || '');
  if (!m) return null;
  const p = /\bp(\d+)=([\d.]+)/g; const probabilities = {};
  for (let q; (q = p.exec(text));) probabilities[q[1]] = Number(q[2]);
  return { col: +m[1], row: +m[2], z: +m[3], t: +m[4], c0: Number(m[5]), probabilities, text };
}

/** body.dataset values of the webview as numbers/strings. */
function bodyData(frame) {
  return frame.evaluate(() => ({ ...document.body.dataset }));
}

/** Geometry of #image-canvas inside the webview (CSS px). */
function canvasBox(frame) {
  return frame.evaluate(() => {
    const c = document.querySelector('#image-canvas');
    const r = c.getBoundingClientRect();
    return { clientWidth: c.clientWidth, clientHeight: c.clientHeight, width: c.width, height: c.height,
      left: r.left, top: r.top, devicePixelRatio: window.devicePixelRatio };
  });
}

module.exports = { readCanvas, stats, changedFraction, parseReadout, bodyData, canvasBox };
