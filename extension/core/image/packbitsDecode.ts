/**
 * PackBits decoder (TIFF compression 32773) into a caller-provided buffer.
 * @returns number of bytes written (stops when `target` is full or the input ends)
 */
export function packbitsDecode(source: Uint8Array, target: Uint8Array): number {
  let i = 0;
  let pos = 0;
  const n = source.length;
  const m = target.length;
  while (i < n && pos < m) {
    const header = source[i++];
    if (header < 128) {
      // literal run of header+1 bytes
      const count = Math.min(header + 1, n - i, m - pos);
      target.set(source.subarray(i, i + count), pos);
      i += header + 1;
      pos += count;
    } else if (header > 128) {
      // replicate the next byte 257-header times
      if (i >= n) break;
      const value = source[i++];
      const count = Math.min(257 - header, m - pos);
      target.fill(value, pos, pos + count);
      pos += count;
    }
    // 128 is a no-op
  }
  return pos;
}

/** PackBits encoder (tests only: literal runs and repeats). */
export function packbitsEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 2) {
      out.push(257 - run, data[i]);
      i += run;
      continue;
    }
    let lit = 1;
    while (i + lit < data.length && lit < 128 && !(i + lit + 1 < data.length && data[i + lit] === data[i + lit + 1])) lit++;
    out.push(lit - 1, ...data.subarray(i, i + lit));
    i += lit;
  }
  return Uint8Array.from(out);
}
