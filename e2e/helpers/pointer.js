// Real mouse input on #image-canvas inside the webview: coordinates are converted from canvas CSS pixels
// (relative to the canvas' padding box, like MouseEvent.offsetX/Y) to page coordinates, and page.mouse
// is used, so events reach the webview exactly as a user's would (including overlays above the canvas).
'use strict';

/** Returns `toPage(x, y)` mapping canvas CSS px (padding box) to page coordinates, plus the canvas size. */
async function canvasMapper(session, frame) {
  const canvas = session.webview().locator('#image-canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('#image-canvas has no bounding box (not visible?)');
  const inner = await frame.evaluate(() => {
    const c = document.querySelector('#image-canvas');
    return { left: c.clientLeft, top: c.clientTop, width: c.clientWidth, height: c.clientHeight };
  });
  return {
    width: inner.width,
    height: inner.height,
    toPage: (x, y) => ({ x: box.x + inner.left + x, y: box.y + inner.top + y }),
  };
}

/** Moves the mouse to canvas CSS position (x, y). */
async function hoverCanvas(session, frame, x, y) {
  const m = await canvasMapper(session, frame);
  const p = m.toPage(x, y);
  await session.page.mouse.move(p.x, p.y);
}

/**
 * Paints a stroke through the given canvas CSS points with the left button held, moving in small steps
 * (several mousemove events per segment, like a real drag).
 */
async function strokeCanvas(session, frame, points, { steps = 8 } = {}) {
  const m = await canvasMapper(session, frame);
  const mouse = session.page.mouse;
  const first = m.toPage(points[0][0], points[0][1]);
  await mouse.move(first.x, first.y);
  await mouse.down();
  for (const [x, y] of points.slice(1)) {
    const p = m.toPage(x, y);
    await mouse.move(p.x, p.y, { steps });
  }
  await mouse.up();
}

module.exports = { canvasMapper, hoverCanvas, strokeCanvas };
