/**
 * Tiny DOM builder: the page is built in TypeScript (no HTML strings, no inline `style=` attributes,
 * so the strict CSP of the webview holds).
 */

type Child = Node | string | null | undefined | false;

/** Attributes: strings set as attributes, `on*` functions added as listeners, booleans toggle the attribute. */
export type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates an element with attributes, listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, ...children);
  return el;
}

/** Appends children (strings become text nodes). */
export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An inline SVG icon (16×16 viewBox) from path data; no remote content. */
export function icon(paths: string[], extraClass = ''): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `icon ${extraClass}`.trim());
  for (const d of paths) {
    const p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    svg.appendChild(p);
  }
  return svg;
}

/** A canvas of `width` × `height` pixels with its 2D context (the layers' backing stores). */
export function canvas2d(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D is not available');
  return { canvas, ctx };
}

/** Icon path data (16×16, drawn with currentColor; strokes via CSS class `icon`). */
export const ICONS = {
  pan: ['M8 1.5v13M1.5 8h13M8 1.5l-2 2M8 1.5l2 2M8 14.5l-2-2M8 14.5l2-2M1.5 8l2-2M1.5 8l2 2M14.5 8l-2-2M14.5 8l-2 2'],
  brush: ['M13.5 2.5l-6.5 7', 'M7 9.5c-1.5-.5-3 .5-3 2 0 1-.7 1.8-2 2 2.7 1 5.5.3 6-1.5.3-1-.2-2-1-2.5z'],
  eraser: ['M6 14h8', 'M2.5 10.5l6.8-6.8a1.5 1.5 0 0 1 2.1 0l1.9 1.9a1.5 1.5 0 0 1 0 2.1L7.5 13.5H5.5z', 'M5.5 7.5l4 4'],
  fit: ['M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4'],
  zoomIn: ['M7 3v8M3 7h8', 'M10 10l4 4'],
  target: ['M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11z', 'M8 0.5v3M8 12.5v3M0.5 8h3M12.5 8h3'],
  refresh: ['M13 8a5 5 0 1 1-1.5-3.5', 'M13 2v3h-3'],
  add: ['M8 3v10M3 8h10'],
  trash: ['M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9'],
  edit: ['M11 2.5l2.5 2.5-7.5 7.5H3.5V10z'],
  close: ['M4 4l8 8M12 4l-8 8'],
  warning: ['M8 2l6.5 11.5h-13z', 'M8 6.5v3.5M8 11.5v.5'],
  lock: ['M4.5 7.5h7v6h-7z', 'M6 7.5V5.5a2 2 0 0 1 4 0v2'],
  info: ['M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z', 'M8 7v4.5M8 4.5v.5'],
  fill: ['M3 8.5l5-5 5 5-5 5z', 'M13 8.5c1 1.5 1.5 2.5 1.5 3.2a1.5 1.5 0 0 1-3 0c0-.7.5-1.7 1.5-3.2z'],
  polygon: ['M3 12.5l1.5-8 6-2 3.5 6-5 5.5z', 'M3 12.5h.01M4.5 4.5h.01M10.5 2.5h.01M14 8.5h.01M9 14h.01'],
  lasso: ['M8 3c3.6 0 6 1.4 6 3.3S11.6 9.6 8 9.6 2 8.2 2 6.3 4.4 3 8 3z', 'M4.5 9c-.8 1-.6 2.4.6 2.7 1 .3 1.1 1.3.4 2.3'],
  wand: ['M2.5 13.5l7-7', 'M11 2v2.5M13.5 4.5H11M12.8 2.7l-1.6 1.6M9.5 3.5l1 1M13 7l-1-1'],
  superpixel: ['M2 2.5h5l1 4-3 2-3-1.5z', 'M7 2.5h7v5l-3 1-3-2z', 'M2 8l3 1.5 1 4.5H2z', 'M8 6.5l3 2 3-1v6.5H6l-1-4.5z'],
  preserve: ['M8 1.5l5.5 2v4.5c0 3-2.5 5.5-5.5 6.5-3-1-5.5-3.5-5.5-6.5V3.5z', 'M5.5 8l2 2 3.5-4'],
  copyUp: ['M5 5.5h7.5v8H5z', 'M3.5 10.5h-1v-8h7.5v1', 'M8.7 11.5V7.5M7 9.2l1.7-1.7 1.7 1.7'],
  copyDown: ['M5 5.5h7.5v8H5z', 'M3.5 10.5h-1v-8h7.5v1', 'M8.7 7.5v4M7 9.8l1.7 1.7 1.7-1.7'],
} as const;

/** Formats a byte count as B / KiB / MiB / GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes; let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}
