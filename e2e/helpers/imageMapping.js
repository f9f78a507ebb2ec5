// Mapping between image pixels and canvas CSS pixels, learnt from the editor itself: at 1:1 (#btn-one-to-one)
// one image pixel is one CSS pixel, so hovering the canvas centre and reading #pixel-readout gives the offset.
'use strict';
const { waitFor } = require('./session');
const { parseReadout } = require('./canvas');
const { canvasMapper } = require('./pointer');

/**
 * Hovers canvas CSS position (x, y) and waits for a readout that parses, differs from `previous` (when given:
 * use it when the new position is a different pixel) and reads the same on two consecutive polls (the readout has
 * settled on the hovered pixel). Returns it parsed.
 */
async function readoutAt(session, frame, mapper, x, y, previous = null, { timeout = 15000 } = {}) {
  const p = mapper.toPage(x, y);
  await session.page.mouse.move(p.x, p.y, { steps: 2 });
  const read = async () => parseReadout(await frame.locator('#pixel-readout').textContent());
  let last = null;
  return waitFor(async () => {
    const r = await read();
    const settled = r && (previous == null || r.text !== previous) && last !== null && last.text === r.text;
    last = r;
    return settled ? r : null;
  }, { timeout, what: `a pixel readout after hovering canvas (${x}, ${y})` });
}

/**
 * Switches to 1:1 and learns the image↔canvas mapping.
 * @returns {Promise<{ mapper, centre, toCss: (col:number,row:number)=>[number,number],
 *   visible: (col:number,row:number,margin?:number)=>boolean }>}
 */
async function oneToOneMapping(session, frame, { width, height }) {
  await frame.locator('#btn-one-to-one').click();
  const mapper = await canvasMapper(session, frame);
  // Hover at a pixel centre (x.5) so the mapping cannot fall on a pixel border.
  const cx = Math.floor(mapper.width / 2) + 0.5;
  const cy = Math.floor(mapper.height / 2) + 0.5;
  const centre = await readoutAt(session, frame, mapper, cx, cy);
  const toCss = (col, row) => [cx + (col - centre.col), cy + (row - centre.row)];
  const visible = (col, row, margin = 6) => {
    const [x, y] = toCss(col, row);
    return col >= 0 && row >= 0 && col < width && row < height &&
      x >= margin && y >= margin && x < mapper.width - margin && y < mapper.height - margin;
  };
  return { mapper, centre, cx, cy, toCss, visible };
}

module.exports = { readoutAt, oneToOneMapping };
