/**
 * The fill (bucket) tool's region (issue #16): the 4-connected region of pixels that share the clicked pixel's
 * label value (unlabelled or a class) in one plane. A region that reaches the image border is filled too; the
 * caller asks first above a size limit ({@link FloodFillResult.tooLarge}).
 */
import type { RasterizedStroke } from '../rasterizeStroke';

/** Result of {@link floodFill}. */
export interface FloodFillResult extends RasterizedStroke {
  /** The label value the region shares. */
  value: number;
  /** True when the region touches the plane's border. */
  touchesBorder: boolean;
  /** True when the region has more than `maxPixels` pixels; `indices` is then empty (nothing was collected). */
  tooLarge: boolean;
  /** Pixels in the region (counted up to `maxPixels + 1`). */
  count: number;
}

/**
 * The 4-connected region of `plane` around (column, row) with the value found there.
 * @param plane label values, row-major `width*height`
 * @param maxPixels stop counting beyond this (the caller asks the user); @default Infinity
 */
export function floodFill(plane: ArrayLike<number>, width: number, height: number, column: number, row: number, maxPixels = Infinity): FloodFillResult {
  if (!Number.isInteger(column) || !Number.isInteger(row) || column < 0 || row < 0 || column >= width || row >= height) {
    throw new RangeError(`fill seed (${column}, ${row}) is outside the ${width}×${height} plane`);
  }
  const value = plane[row * width + column];
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(Math.min(width * height, 1 << 20));
  let stackSize = 0;
  let overflow: number[] | undefined;
  const push = (i: number) => {
    if (stackSize < stack.length) stack[stackSize++] = i;
    else (overflow ??= []).push(i);
  };
  const pop = (): number => (overflow && overflow.length > 0 ? overflow.pop()! : stack[--stackSize]);
  const size = () => stackSize + (overflow?.length ?? 0);
  let count = 0;
  let touchesBorder = false;
  let r0 = row, r1 = row, c0 = column, c1 = column;
  const start = row * width + column;
  seen[start] = 1;
  push(start);
  while (size() > 0) {
    const i = pop();
    count++;
    if (count > maxPixels) {
      return { value, touchesBorder, tooLarge: true, count, indices: new Uint32Array(0), box: { column: 0, row: 0, width: 0, height: 0 } };
    }
    const r = Math.floor(i / width);
    const c = i - r * width;
    if (r === 0 || c === 0 || r === height - 1 || c === width - 1) touchesBorder = true;
    if (r < r0) r0 = r; if (r > r1) r1 = r;
    if (c < c0) c0 = c; if (c > c1) c1 = c;
    if (c > 0 && !seen[i - 1] && plane[i - 1] === value) { seen[i - 1] = 1; push(i - 1); }
    if (c < width - 1 && !seen[i + 1] && plane[i + 1] === value) { seen[i + 1] = 1; push(i + 1); }
    if (r > 0 && !seen[i - width] && plane[i - width] === value) { seen[i - width] = 1; push(i - width); }
    if (r < height - 1 && !seen[i + width] && plane[i + width] === value) { seen[i + width] = 1; push(i + width); }
  }
  const indices = new Uint32Array(count);
  let k = 0;
  for (let rr = r0; rr <= r1; rr++) for (let cc = c0; cc <= c1; cc++) if (seen[rr * width + cc]) indices[k++] = rr * width + cc;
  return { value, touchesBorder, tooLarge: false, count, indices, box: { column: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 } };
}
