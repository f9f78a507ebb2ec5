/** The scale bar's length rule, pure (no DOM) so it is tested in Node. */

/** A round length ≥ `min` (1, 2, 5 × 10^k). */
export function niceLength(min: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(min)));
  for (const f of [1, 2, 5, 10]) if (f * p >= min) return f * p;
  return 10 * p;
}
