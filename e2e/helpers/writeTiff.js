// A tiny TIFF writer for e2e fixtures: little-endian, uncompressed uint8 greyscale pages, one strip each, and an
// optional ImageDescription (an ImageJ hyperstack description makes the pages z-slices and time points).
'use strict';
const fs = require('node:fs');

/**
 * Writes `pages` (Uint8Array planes of width×height) to `file`.
 * @param {{ width: number, height: number, pages: Uint8Array[], description?: string }} image
 */
function writeTiff(file, { width, height, pages, description }) {
  const desc = description ? Buffer.from(description + '\0', 'latin1') : null;
  const nTags = desc ? 9 : 8;
  const ifdSize = 2 + nTags * 12 + 4;
  const planeSize = width * height;
  let offset = 8;
  const layout = pages.map(() => {
    const ifd = offset; offset += ifdSize;
    const descAt = desc ? offset : 0; if (desc) offset += desc.length + (desc.length & 1);
    const data = offset; offset += planeSize + (planeSize & 1);
    return { ifd, descAt, data };
  });
  const buf = Buffer.alloc(offset);
  buf.write('II', 0, 'latin1'); buf.writeUInt16LE(42, 2); buf.writeUInt32LE(layout[0].ifd, 4);
  pages.forEach((plane, i) => {
    const { ifd, descAt, data } = layout[i];
    const tags = [
      [256, 4, 1, width], [257, 4, 1, height], [258, 3, 1, 8], [259, 3, 1, 1], [262, 3, 1, 1],
      ...(desc ? [[270, 2, desc.length, descAt]] : []),
      [273, 4, 1, data], [278, 4, 1, height], [279, 4, 1, planeSize],
    ];
    buf.writeUInt16LE(tags.length, ifd);
    tags.forEach(([tag, type, count, value], k) => {
      const at = ifd + 2 + k * 12;
      buf.writeUInt16LE(tag, at); buf.writeUInt16LE(type, at + 2); buf.writeUInt32LE(count, at + 4);
      if (type === 3) buf.writeUInt16LE(value, at + 8); else buf.writeUInt32LE(value, at + 8);
    });
    buf.writeUInt32LE(i + 1 < pages.length ? layout[i + 1].ifd : 0, ifd + 2 + tags.length * 12);
    if (desc) desc.copy(buf, descAt);
    Buffer.from(plane.buffer, plane.byteOffset, planeSize).copy(buf, data);
  });
  fs.writeFileSync(file, buf);
}

module.exports = { writeTiff };
