/**
 * TIFF LZW decoder (compression 5): MSB-first codes of 9–12 bits, Clear = 256, EOI = 257, with the
 * TIFF "early change" code-width switch. Writes straight into a caller-provided Uint8Array.
 *
 * Why our own: geotiff's decoder builds JS arrays byte by byte (≈5 MiB/s, 25 s for a 128 MiB
 * plane, see shared/reference/image-io.md); this one keeps each dictionary entry as an
 * (offset, length) pair pointing into the output already written, so decoding a code is one
 * short copy (≈50–100 MiB/s). A full dictionary (4096 entries) without a Clear code keeps
 * decoding with the table frozen, as libtiff does (geotiff fails there, upstream #545).
 */

const entryOffset = new Int32Array(4096);
const entryLength = new Int32Array(4096);

/**
 * Decodes `source` into `target`; stops at EOI, at the end of the input or when `target` is full.
 * @returns number of bytes written to `target`
 * @throws Error on a code that cannot occur in a valid stream
 */
export function lzwDecode(source: Uint8Array, target: Uint8Array): number {
  const totalBits = source.length * 8;
  const targetLength = target.length;
  let bitPos = 0;
  let width = 9;
  let next = 258;
  let prevPos = -1;
  let prevLen = 0;
  let pos = 0;
  const safeBits = (source.length - 3) * 8;
  while (pos < targetLength) {
    if (bitPos + width > totalBits) break;
    const byteIndex = bitPos >>> 3;
    let bits: number;
    if (bitPos < safeBits) {
      bits = (source[byteIndex] << 16) | (source[byteIndex + 1] << 8) | source[byteIndex + 2];
    } else {
      bits = (source[byteIndex] << 16)
        | ((byteIndex + 1 < source.length ? source[byteIndex + 1] : 0) << 8)
        | (byteIndex + 2 < source.length ? source[byteIndex + 2] : 0);
    }
    const code = (bits >>> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === 257) break;
    if (code === 256) {
      width = 9;
      next = 258;
      prevPos = -1;
      continue;
    }
    if (prevPos < 0) {
      if (code > 255) throw new Error(`corrupt LZW data: code ${code} right after a clear code`);
      target[pos] = code;
      prevPos = pos;
      prevLen = 1;
      pos++;
      continue;
    }
    let len: number;
    if (code < 256) {
      target[pos] = code;
      len = 1;
    } else {
      let start: number;
      if (code < next) {
        start = entryOffset[code];
        len = entryLength[code];
      } else if (code === next) {
        // KwKwK: previous string plus its own first byte; the overlapping forward copy produces it.
        start = prevPos;
        len = prevLen + 1;
      } else {
        throw new Error(`corrupt LZW data: code ${code} beyond dictionary size ${next}`);
      }
      if (pos + len > targetLength) len = targetLength - pos;
      for (let i = 0; i < len; i++) target[pos + i] = target[start + i];
    }
    if (next < 4096) {
      entryOffset[next] = prevPos;
      entryLength[next] = prevLen + 1;
      next++;
      if (next + 1 >= (1 << width) && width < 12) width++;
    }
    prevPos = pos;
    prevLen = len;
    pos += len;
  }
  return pos;
}

/**
 * TIFF LZW encoder (tests and benchmarks only: our writer uses deflate). Emits Clear first and
 * whenever the dictionary is full, and EOI at the end. Dictionary lookups go through an
 * open-addressing hash table keyed by (prefix code, byte), so 128 MiB encode in seconds.
 */
export function lzwEncode(data: Uint8Array): Uint8Array {
  let out = new Uint8Array(Math.max(64, (data.length * 1.5) | 0));
  let outPos = 0;
  let acc = 0;
  let accBits = 0;
  let width = 9;
  const emit = (code: number): void => {
    acc = (acc << width) | code;
    accBits += width;
    while (accBits >= 8) {
      if (outPos >= out.length) {
        const grown = new Uint8Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[outPos++] = (acc >>> (accBits - 8)) & 0xff;
      accBits -= 8;
    }
    acc &= (1 << accBits) - 1;
  };
  const HASH = 16384;
  const keys = new Int32Array(HASH).fill(-1);
  const values = new Int32Array(HASH);
  let next = 258;
  emit(256);
  if (data.length > 0) {
    let prefix = data[0];
    for (let i = 1; i < data.length; i++) {
      const byte = data[i];
      const key = (prefix << 8) | byte;
      let h = ((key * 2654435761) >>> 18) & (HASH - 1);
      let found = -1;
      while (keys[h] !== -1) {
        if (keys[h] === key) { found = values[h]; break; }
        h = (h + 1) & (HASH - 1);
      }
      if (found >= 0) {
        prefix = found;
        continue;
      }
      emit(prefix);
      keys[h] = key;
      values[h] = next++;
      // The decoder widens one code later than the encoder adds entries ("early change").
      if (next >= (1 << width) && width < 12) width++;
      if (next >= 4094) {
        emit(256);
        keys.fill(-1);
        next = 258;
        width = 9;
      }
      prefix = byte;
    }
    emit(prefix);
    if (next + 1 >= (1 << width) && width < 12) width++;
  }
  emit(257);
  if (accBits > 0) {
    if (outPos >= out.length) {
      const grown = new Uint8Array(out.length + 1);
      grown.set(out);
      out = grown;
    }
    out[outPos++] = (acc << (8 - accBits)) & 0xff;
  }
  return out.slice(0, outPos);
}
