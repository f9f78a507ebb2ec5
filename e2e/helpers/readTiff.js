// A deliberately tiny, independent TIFF reader for the e2e tests' ground truth: the first page of an
// uncompressed, striped, single-sample unsigned-integer TIFF (what scripts/makeSample.mjs writes).
// It shares no code with the extension, so a decoding bug there cannot hide itself in the test.
'use strict';
const fs = require('node:fs');

/**
 * Reads the first image of an uncompressed grayscale TIFF.
 * @param {string} file
 * @returns {{ width: number, height: number, bits: number, data: Uint8Array|Uint16Array|Uint32Array,
 *   at: (col: number, row: number) => number }}
 */
function readTiff(file) {
  const buf = fs.readFileSync(file);
  const order = buf.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error(`${file}: not a TIFF`);
  const le = order === 'II';
  const u16 = (o) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u16(2) !== 42) throw new Error(`${file}: not a classic TIFF (BigTIFF is not supported by this reader)`);
  const ifd = u32(4);
  const typeSize = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };
  const tags = new Map();
  for (let i = 0, n = u16(ifd); i < n; i++) {
    const o = ifd + 2 + 12 * i;
    const tag = u16(o); const type = u16(o + 2); const count = u32(o + 4);
    const size = (typeSize[type] || 1) * count;
    const at = size <= 4 ? o + 8 : u32(o + 8);
    const values = [];
    for (let k = 0; k < count && type !== 2 && type !== 5; k++) {
      values.push(type === 3 ? u16(at + 2 * k) : type === 4 ? u32(at + 4 * k) : buf[at + k]);
    }
    tags.set(tag, values);
  }
  const one = (tag, def) => (tags.has(tag) ? tags.get(tag)[0] : def);
  const width = one(256); const height = one(257); const bits = one(258, 1);
  if (one(259, 1) !== 1) throw new Error(`${file}: compressed TIFF (this reader handles uncompressed only)`);
  if (one(277, 1) !== 1) throw new Error(`${file}: more than one sample per pixel`);
  if (![8, 16, 32].includes(bits)) throw new Error(`${file}: ${bits} bits per sample`);
  const offsets = tags.get(273); const counts = tags.get(279);
  const bytesPerPixel = bits / 8;
  const raw = Buffer.alloc(width * height * bytesPerPixel);
  let pos = 0;
  for (let s = 0; s < offsets.length && pos < raw.length; s++) {
    pos += buf.copy(raw, pos, offsets[s], offsets[s] + Math.min(counts[s], raw.length - pos));
  }
  if (pos !== raw.length) throw new Error(`${file}: strips hold ${pos} bytes, expected ${raw.length}`);
  const Ctor = bits === 8 ? Uint8Array : bits === 16 ? Uint16Array : Uint32Array;
  const data = new Ctor(width * height);
  for (let i = 0; i < data.length; i++) {
    const o = i * bytesPerPixel;
    data[i] = bits === 8 ? raw[o] : bits === 16 ? (le ? raw.readUInt16LE(o) : raw.readUInt16BE(o))
      : (le ? raw.readUInt32LE(o) : raw.readUInt32BE(o));
  }
  return { width, height, bits, data, at: (col, row) => data[row * width + col] };
}

module.exports = { readTiff };
