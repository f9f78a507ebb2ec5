// Writes an OME-Zarr 0.4 image (y, x in µm) of a uint16 image and its 2× downsampled level, 64² zlib chunks — the
// store the OME-Zarr e2e tests open.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

/** Writes `dir` from `image` ({ width, height, data: Uint16Array }). */
function writeOmeZarr(dir, image) {
  const put = (key, bytes) => { fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true }); fs.writeFileSync(path.join(dir, key), bytes); };
  const levels = [image];
  const half = { width: image.width >> 1, height: image.height >> 1 };
  half.data = new Uint16Array(half.width * half.height);
  for (let y = 0; y < half.height; y++) for (let x = 0; x < half.width; x++) half.data[y * half.width + x] = image.data[2 * y * image.width + 2 * x];
  levels.push(half);
  put('.zgroup', JSON.stringify({ zarr_format: 2 }));
  put('.zattrs', JSON.stringify({
    multiscales: [{
      version: '0.4', name: 'cells',
      axes: [{ name: 'y', type: 'space', unit: 'micrometer' }, { name: 'x', type: 'space', unit: 'micrometer' }],
      datasets: levels.map((_, i) => ({ path: String(i), coordinateTransformations: [{ type: 'scale', scale: [0.65 * 2 ** i, 0.65 * 2 ** i] }] })),
    }],
    omero: { channels: [{ label: 'nuclei', color: 'FFFFFF' }] },
  }, null, 1));
  const C = 64;
  levels.forEach((level, i) => {
    put(`${i}/.zarray`, JSON.stringify({ zarr_format: 2, shape: [level.height, level.width], chunks: [C, C], dtype: '<u2', compressor: { id: 'zlib', level: 5 }, fill_value: 0, order: 'C', filters: null }));
    for (let cy = 0; cy * C < level.height; cy++) {
      for (let cx = 0; cx * C < level.width; cx++) {
        const chunk = new Uint16Array(C * C);
        for (let y = 0; y < C; y++) for (let x = 0; x < C; x++) {
          const yy = cy * C + y; const xx = cx * C + x;
          if (yy < level.height && xx < level.width) chunk[y * C + x] = level.data[yy * level.width + xx];
        }
        put(`${i}/${cy}.${cx}`, zlib.deflateSync(Buffer.from(chunk.buffer)));
      }
    }
  });
}

module.exports = { writeOmeZarr };
