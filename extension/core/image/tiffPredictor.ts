/**
 * Undo TIFF predictors on one decoded strip/tile.
 *
 * Why our own: geotiff's `applyPredictor` accumulates in host byte order before the big-endian
 * swap, so big-endian 16/32-bit files with predictor 2 decode to wrong values without an error
 * (shared/reference/image-io.md, upstream PR #543). Here the block is first swapped to native
 * order, then accumulated.
 */

/** Swaps the byte order of every `bytesPerSample`-byte sample of `data` in place. */
export function swapBytes(data: Uint8Array, bytesPerSample: number): void {
  const n = data.length - (data.length % bytesPerSample);
  if (bytesPerSample === 2) {
    for (let i = 0; i < n; i += 2) {
      const a = data[i]; data[i] = data[i + 1]; data[i + 1] = a;
    }
  } else if (bytesPerSample === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = data[i]; const b = data[i + 1];
      data[i] = data[i + 3]; data[i + 1] = data[i + 2]; data[i + 2] = b; data[i + 3] = a;
    }
  } else if (bytesPerSample === 8) {
    for (let i = 0; i < n; i += 8) {
      for (let k = 0; k < 4; k++) {
        const a = data[i + k]; data[i + k] = data[i + 7 - k]; data[i + 7 - k] = a;
      }
    }
  }
}

/**
 * Predictor 2 (horizontal differencing) on native-order samples: each sample becomes the sum of
 * itself and the sample `samplesPerPixel` before it in the same row (integer wrap-around).
 * `data.byteOffset` must be a multiple of `bytesPerSample`.
 */
export function undoHorizontalPredictor(
  data: Uint8Array, rowSamples: number, rows: number, samplesPerPixel: number, bytesPerSample: number,
): void {
  const count = rowSamples * rows;
  let a: Uint8Array | Uint16Array | Uint32Array;
  if (bytesPerSample === 1) a = data;
  else if (bytesPerSample === 2) a = new Uint16Array(data.buffer, data.byteOffset, Math.min(count, data.length >> 1));
  else if (bytesPerSample === 4) a = new Uint32Array(data.buffer, data.byteOffset, Math.min(count, data.length >> 2));
  else throw new Error(`predictor 2 with ${bytesPerSample * 8}-bit samples is not supported`);
  const fullRows = Math.min(rows, Math.floor(a.length / rowSamples));
  if (samplesPerPixel === 1) {
    // Common case: carry the running sum in a register instead of re-reading the previous sample.
    const mask = bytesPerSample === 4 ? 0xffffffff : (1 << (bytesPerSample * 8)) - 1;
    for (let r = 0; r < fullRows; r++) {
      const base = r * rowSamples;
      const end = base + rowSamples;
      let sum = a[base];
      for (let i = base + 1; i < end; i++) {
        sum = (sum + a[i]) & mask;
        a[i] = sum;
      }
    }
    return;
  }
  for (let r = 0; r < fullRows; r++) {
    const base = r * rowSamples;
    const end = base + rowSamples;
    for (let i = base + samplesPerPixel; i < end; i++) a[i] += a[i - samplesPerPixel];
  }
}

/**
 * Predictor 3 (floating point, as libtiff's fpAcc): each row holds the samples' bytes as
 * byte planes, most significant first, differenced byte-wise with stride `samplesPerPixel`.
 * The result is in native (little-endian) order whatever the file's byte order, so callers must
 * not byte-swap afterwards.
 */
export function undoFloatPredictor(
  data: Uint8Array, rowSamples: number, rows: number, samplesPerPixel: number, bytesPerSample: number,
  scratch?: Uint8Array,
): void {
  const rowBytes = rowSamples * bytesPerSample;
  const tmp = scratch && scratch.length >= rowBytes ? scratch : new Uint8Array(rowBytes);
  const fullRows = Math.min(rows, Math.floor(data.length / rowBytes));
  for (let r = 0; r < fullRows; r++) {
    const base = r * rowBytes;
    for (let i = base + samplesPerPixel; i < base + rowBytes; i++) data[i] = (data[i] + data[i - samplesPerPixel]) & 0xff;
    tmp.set(data.subarray(base, base + rowBytes));
    for (let s = 0; s < rowSamples; s++) {
      for (let b = 0; b < bytesPerSample; b++) {
        data[base + s * bytesPerSample + b] = tmp[(bytesPerSample - b - 1) * rowSamples + s];
      }
    }
  }
}
