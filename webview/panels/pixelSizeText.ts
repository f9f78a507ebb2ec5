/** Reading and writing the pixel size as users type it, pure (no DOM) so it is tested in Node. */

/** Parses "0.325 × 0.325 × 2 µm" (also "0.325 x 0.325 um", "0.5 µm" for square pixels); undefined when malformed. */
export function parsePixelSize(text: string, isStack: boolean): { x: number; y: number; z?: number; unit: string } | undefined {
  const m = /^\s*([0-9.eE+-]+)\s*(?:[×x*]\s*([0-9.eE+-]+)\s*)?(?:[×x*]\s*([0-9.eE+-]+)\s*)?([^\d\s×*][^\s]*)\s*$/.exec(text);
  if (!m) return undefined;
  const nums = [m[1], m[2], m[3]].filter((v) => v !== undefined).map(Number);
  if (nums.some((v) => !Number.isFinite(v) || v <= 0)) return undefined;
  const unit = m[4].replace(/^um$/i, 'µm');
  const x = nums[0], y = nums.length >= 2 ? nums[1] : nums[0];
  const z = nums.length === 3 ? nums[2] : undefined;
  return { x, y, ...(z !== undefined && isStack ? { z } : {}), unit };
}

/** "0.325 × 0.325 × 2 µm". */
export function formatSize(s: { x: number; y: number; z?: number; unit: string }): string {
  const n = (v: number) => String(Number(v.toPrecision(4)));
  return `${n(s.x)} × ${n(s.y)}${s.z !== undefined ? ` × ${n(s.z)}` : ''} ${s.unit}`;
}
