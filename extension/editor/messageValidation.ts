/**
 * Validation of every message a webview sends to the host (issue #7, "Security").
 *
 * The webview is untrusted input: a compromised or buggy webview may send anything. Each message is
 * checked against extension/protocol.ts (envelope, `type`, field types, integer ranges against the
 * open image, string lengths, ArrayBuffer byte lengths) before the host acts on it. Invalid messages
 * are rejected with a reason that the caller logs; they never throw.
 *
 * This module imports no `vscode`, so it is unit tested in plain Node (test/editor/messageValidation.test.ts).
 */
import {
  PROTOCOL_LIMITS,
  type Envelope,
  type FeatureSelectionData,
  type PixelBox,
  type WebviewToHostMessage,
} from '../protocol';
import { FEATURE_IDS as CORE_FEATURE_IDS } from '../core/features/featureSet';

/** What the validator needs to know about the open document. */
export interface ValidationContext {
  /** Image shape (all ≥ 1), or undefined when the image could not be opened (only `ready` and `log` pass then). */
  shape?: { t: number; z: number; c: number; y: number; x: number };
  /** Number of label classes of the document (class ids are 1..nClasses). */
  nClasses: number;
  /** Tiled images (issue #13): the levels and tile edge the webview may ask tiles of. */
  levels?: { width: number; height: number }[];
  tileSize?: number;
}

/** Result of {@link validateWebviewMessage}. */
export type ValidationResult =
  | { ok: true; envelope: Envelope<WebviewToHostMessage> }
  | { ok: false; reason: string };

/** Known feature ids: the engine's stable ids (the protocol carries them as plain strings). */
const KNOWN_FEATURE_IDS: ReadonlySet<string> = new Set<string>(CORE_FEATURE_IDS);

/** Thrown inside the validator only; turned into `{ ok: false }`. */
class Invalid extends Error {}

function fail(reason: string): never {
  throw new Invalid(reason);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for an ArrayBuffer from any realm (VS Code rebuilds buffers itself, so `instanceof` is not reliable). */
export function isArrayBuffer(v: unknown): v is ArrayBuffer {
  return v instanceof ArrayBuffer || Object.prototype.toString.call(v) === '[object ArrayBuffer]';
}

function int(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${key} must be an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(`${key}=${v} is outside ${min}..${max}`);
  return v;
}

function bool(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(`${key} must be a boolean, got ${describe(v)}`);
  return v;
}

function str(o: Record<string, unknown>, key: string, maxLength: number): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${key} must be a string, got ${describe(v)}`);
  if (v.length > maxLength) fail(`${key} is ${v.length} characters long (max ${maxLength})`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isArrayBuffer(v)) return `an ArrayBuffer of ${v.byteLength} bytes`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `a string`;
  return typeof v;
}

function needShape(ctx: ValidationContext, type: string): NonNullable<ValidationContext['shape']> {
  if (!ctx.shape) fail(`${type} while no image is open`);
  return ctx.shape;
}

function classId(o: Record<string, unknown>, ctx: ValidationContext, key = 'classId'): number {
  if (ctx.nClasses < 1) fail(`${key}: the document has no classes`);
  return int(o, key, 1, ctx.nClasses);
}

function box(o: Record<string, unknown>, shape: NonNullable<ValidationContext['shape']>): PixelBox {
  const b = o.box;
  if (!isRecord(b)) fail(`box must be an object, got ${describe(b)}`);
  const column = int(b, 'column', 0, shape.x - 1);
  const row = int(b, 'row', 0, shape.y - 1);
  const width = int(b, 'width', 1, shape.x - column);
  const height = int(b, 'height', 1, shape.y - row);
  return { column, row, width, height };
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * Checks a feature selection sent by the webview: known feature ids, 1..maxScales scales with finite
 * positive sigmas (≤ 100), boolean flags of the right length, `scaleUnit` pixels|physical, `featureChannels`
 * ascending indices below `nChannels` (the open image's channel count). Semantic checks (minimum sigma per
 * feature) are left to core's validateSelection.
 */
export function validateFeatureSelection(v: unknown, nChannels?: number): FeatureSelectionData {
  if (!isRecord(v)) fail(`features must be an object, got ${describe(v)}`);
  const scales = v.scales;
  if (!Array.isArray(scales)) fail('features.scales must be an array');
  if (scales.length < 1 || scales.length > PROTOCOL_LIMITS.maxScales) {
    fail(`features.scales has ${scales.length} entries (1..${PROTOCOL_LIMITS.maxScales} allowed)`);
  }
  const cleanScales = scales.map((s, i) => {
    if (!isRecord(s)) fail(`features.scales[${i}] must be an object`);
    const sigma = s.sigma;
    if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0 || sigma > 100) {
      fail(`features.scales[${i}].sigma must be a number in (0, 100], got ${describe(sigma)}`);
    }
    if (typeof s.in2D !== 'boolean') fail(`features.scales[${i}].in2D must be a boolean`);
    return { sigma, in2D: s.in2D };
  });
  const selected = v.selected;
  if (!isRecord(selected)) fail('features.selected must be an object');
  const cleanSelected: Record<string, boolean[]> = {};
  for (const [id, flags] of Object.entries(selected)) {
    if (!KNOWN_FEATURE_IDS.has(id)) fail(`features.selected has an unknown feature id "${id.slice(0, 60)}"`);
    if (!Array.isArray(flags) || flags.length !== cleanScales.length || !flags.every((f) => typeof f === 'boolean')) {
      fail(`features.selected.${id} must be ${cleanScales.length} booleans`);
    }
    cleanSelected[id] = flags.slice();
  }
  for (const id of CORE_FEATURE_IDS) if (!(id in cleanSelected)) cleanSelected[id] = cleanScales.map(() => false);
  const clean: FeatureSelectionData = { scales: cleanScales, selected: cleanSelected };
  // Scale unit and feature channels (issue #15); `pixels` is the default and is stored as no key.
  const unit = v.scaleUnit;
  if (unit !== undefined && unit !== 'pixels' && unit !== 'physical') fail(`features.scaleUnit must be "pixels" or "physical", got ${describe(unit)}`);
  if (unit === 'physical') clean.scaleUnit = 'physical';
  const channels = v.featureChannels;
  if (channels !== undefined) {
    const limit = nChannels ?? PROTOCOL_LIMITS.maxFeatureChannels;
    if (!Array.isArray(channels) || channels.length < 1 || channels.length > limit) fail(`features.featureChannels must list 1..${limit} channels`);
    channels.forEach((c, i) => {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= limit) fail(`features.featureChannels[${i}] must be a channel index 0..${limit - 1}, got ${describe(c)}`);
      if (i > 0 && c <= (channels[i - 1] as number)) fail('features.featureChannels must be ascending without repeats');
    });
    clean.featureChannels = (channels as number[]).slice();
  }
  return clean;
}

/**
 * Validates one raw message from a webview. On success the returned envelope holds a freshly built,
 * clean body (unknown extra fields dropped), so later code can trust every field.
 */
export function validateWebviewMessage(raw: unknown, ctx: ValidationContext): ValidationResult {
  try {
    return { ok: true, envelope: validateOrThrow(raw, ctx) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message };
    return { ok: false, reason: `validation failed: ${(e as Error)?.message ?? String(e)}` };
  }
}

function validateOrThrow(raw: unknown, ctx: ValidationContext): Envelope<WebviewToHostMessage> {
  if (!isRecord(raw)) fail(`message must be an object, got ${describe(raw)}`);
  const messageId = int(raw, 'messageId', 0, Number.MAX_SAFE_INTEGER);
  let inReplyTo: number | undefined;
  if (raw.inReplyTo !== undefined) inReplyTo = int(raw, 'inReplyTo', 0, Number.MAX_SAFE_INTEGER);
  const b = raw.body;
  if (!isRecord(b)) fail(`body must be an object, got ${describe(b)}`);
  const type = b.type;
  if (typeof type !== 'string') fail(`body.type must be a string, got ${describe(type)}`);
  const body = validateBody(type, b, ctx);
  return inReplyTo === undefined ? { messageId, body } : { messageId, inReplyTo, body };
}

/** Float32 (column, row) pairs, at most `maxStrokePoints`, finite and not absurdly far outside the image. */
function pointPairs(b: Record<string, unknown>, s: { x: number; y: number }): ArrayBuffer {
  const points = b.points;
  if (!isArrayBuffer(points)) fail(`points must be an ArrayBuffer, got ${describe(points)}`);
  if (points.byteLength === 0 || points.byteLength % 8 !== 0) fail(`points has ${points.byteLength} bytes; expected a non-empty multiple of 8 (float32 column,row pairs)`);
  if (points.byteLength / 8 > PROTOCOL_LIMITS.maxStrokePoints) fail(`outline has ${points.byteLength / 8} points (max ${PROTOCOL_LIMITS.maxStrokePoints})`);
  const xy = new Float32Array(points);
  const margin = PROTOCOL_LIMITS.maxBrushSize;
  for (let i = 0; i < xy.length; i += 2) {
    if (!Number.isFinite(xy[i]) || !Number.isFinite(xy[i + 1])) fail(`points[${i / 2}] is not finite`);
    if (xy[i] < -margin || xy[i] > s.x + margin || xy[i + 1] < -margin || xy[i + 1] > s.y + margin) fail(`points[${i / 2}] is far outside the ${s.x}×${s.y} image`);
  }
  return points;
}

type Shape = ReturnType<typeof needShape>;

/**
 * The optional `orientation` of a plane message and the shape as that view sees it (issue #15): for xz/yz the
 * `z` field is the slice index (y or x) and rows/columns are the plane's, so the checks written for xy planes apply
 * unchanged to the returned shape. xz/yz exist only for volumes (z > 1).
 */
function viewOf(b: Record<string, unknown>, s: Shape): { orientation?: 'xz' | 'yz'; shape: Shape } {
  const o = b.orientation;
  if (o === undefined || o === 'xy') return { shape: s };
  if (o !== 'xz' && o !== 'yz') fail(`orientation must be xy | xz | yz, got ${describe(o)}`);
  if (s.z < 2) fail(`an ${o} view needs a volume (the image has one z-slice)`);
  return o === 'xz'
    ? { orientation: o, shape: { ...s, z: s.y, y: s.z, x: s.x } }
    : { orientation: o, shape: { ...s, z: s.x, y: s.y, x: s.z } };
}

function validateTool(b: Record<string, unknown>, ctx: ValidationContext): WebviewToHostMessage {
  const view = viewOf(b, needShape(ctx, 'labels/tool'));
  const s = view.shape;
  const orientation = view.orientation ? { orientation: view.orientation } : {};
  const t = int(b, 't', 0, s.t - 1);
  const z = int(b, 'z', 0, s.z - 1);
  const preserveLabels = bool(b, 'preserveLabels');
  const tool = b.tool;
  const id = (tool === 'fill' && b.classId === 0) ? 0 : classId(b, ctx);
  const common = { type: 'labels/tool' as const, ...orientation, t, z, classId: id, preserveLabels };
  switch (tool) {
    case 'fill': {
      const confirmed = b.confirmed === undefined ? undefined : bool(b, 'confirmed');
      return { ...common, tool, column: int(b, 'column', 0, s.x - 1), row: int(b, 'row', 0, s.y - 1), ...(confirmed ? { confirmed } : {}) };
    }
    case 'polygon':
      return { ...common, tool, points: pointPairs(b, s) };
    case 'wand': {
      const tolerance = b.tolerance;
      if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) fail(`tolerance must be a number ≥ 0, got ${describe(tolerance)}`);
      const box = b.box;
      if (!isRecord(box)) fail(`box must be an object, got ${describe(box)}`);
      const column = int(box, 'column', 0, s.x - 1);
      const row = int(box, 'row', 0, s.y - 1);
      const width = int(box, 'width', 1, s.x - column);
      const height = int(box, 'height', 1, s.y - row);
      if (width * height > PROTOCOL_LIMITS.maxToolBoxPixels) fail(`wand box ${width}×${height} is larger than ${PROTOCOL_LIMITS.maxToolBoxPixels} pixels`);
      const c = int(b, 'c', 0, s.c - 1);
      const seedColumn = int(b, 'column', column, column + width - 1);
      const seedRow = int(b, 'row', row, row + height - 1);
      return { ...common, tool, column: seedColumn, row: seedRow, tolerance, c, box: { column, row, width, height } };
    }
    case 'superpixel':
      return { ...common, tool, c: int(b, 'c', 0, s.c - 1), brushSize: int(b, 'brushSize', PROTOCOL_LIMITS.minBrushSize, PROTOCOL_LIMITS.maxBrushSize), points: pointPairs(b, s) };
    default:
      fail(`unknown tool ${describe(tool)} (fill | polygon | wand | superpixel)`);
  }
}

function validateBody(type: string, b: Record<string, unknown>, ctx: ValidationContext): WebviewToHostMessage {
  switch (type) {
    case 'ready':
    case 'classes/add':
    case 'live/updateNow':
    case 'navigate/mostUncertain':
      return { type };
    case 'log': {
      const level = b.level;
      if (level !== 'info' && level !== 'warn' && level !== 'error') fail(`log.level must be info|warn|error, got ${describe(level)}`);
      return { type, level, message: str(b, 'message', PROTOCOL_LIMITS.maxLogLength) };
    }
    case 'notice/answer': {
      const questionId = str(b, 'questionId', 64);
      if (b.action === undefined) return { type, questionId };
      return { type, questionId, action: str(b, 'action', 200) };
    }
    case 'image/requestPlane': {
      const { orientation, shape: s } = viewOf(b, needShape(ctx, type));
      return { type, ...(orientation ? { orientation } : {}), t: int(b, 't', 0, s.t - 1), z: int(b, 'z', 0, s.z - 1), c: int(b, 'c', 0, s.c - 1) };
    }
    case 'image/requestTile':
    case 'labels/requestTile': {
      const s = needShape(ctx, type);
      const levels = ctx.levels;
      if (!levels) fail(`${type}: the image is not tiled`);
      const level = int(b, 'level', 0, levels.length - 1);
      const l = levels[level];
      const column = int(b, 'column', 0, Math.ceil(l.width / ctx.tileSize!) - 1);
      const row = int(b, 'row', 0, Math.ceil(l.height / ctx.tileSize!) - 1);
      const t = int(b, 't', 0, s.t - 1), z = int(b, 'z', 0, s.z - 1);
      return type === 'image/requestTile'
        ? { type, t, z, c: int(b, 'c', 0, s.c - 1), level, column, row }
        : { type, t, z, level, column, row };
    }
    case 'labels/requestPlane': {
      const { orientation, shape: s } = viewOf(b, needShape(ctx, type));
      return { type, ...(orientation ? { orientation } : {}), t: int(b, 't', 0, s.t - 1), z: int(b, 'z', 0, s.z - 1) };
    }
    case 'labels/paint': {
      const { orientation, shape: s } = viewOf(b, needShape(ctx, type));
      const t = int(b, 't', 0, s.t - 1);
      const z = int(b, 'z', 0, s.z - 1);
      const id = b.classId === 0 ? 0 : classId(b, ctx);
      const brushSize = int(b, 'brushSize', PROTOCOL_LIMITS.minBrushSize, PROTOCOL_LIMITS.maxBrushSize);
      const points = b.points;
      if (!isArrayBuffer(points)) fail(`points must be an ArrayBuffer, got ${describe(points)}`);
      if (points.byteLength === 0 || points.byteLength % 8 !== 0) {
        fail(`points has ${points.byteLength} bytes; expected a non-empty multiple of 8 (float32 column,row pairs)`);
      }
      const nPoints = points.byteLength / 8;
      if (nPoints > PROTOCOL_LIMITS.maxStrokePoints) fail(`stroke has ${nPoints} points (max ${PROTOCOL_LIMITS.maxStrokePoints})`);
      const xy = new Float32Array(points);
      // Points may lie a little outside the image (the brush is clipped), but not absurdly far or NaN.
      const margin = PROTOCOL_LIMITS.maxBrushSize;
      for (let i = 0; i < xy.length; i += 2) {
        const column = xy[i];
        const row = xy[i + 1];
        if (!Number.isFinite(column) || !Number.isFinite(row)) fail(`points[${i / 2}] is not finite`);
        if (column < -margin || column > s.x + margin || row < -margin || row > s.y + margin) {
          fail(`points[${i / 2}] = (${column}, ${row}) is far outside the ${s.x}×${s.y} image`);
        }
      }
      return { type, ...(orientation ? { orientation } : {}), t, z, classId: id, brushSize, points, ...(b.preserveLabels === true ? { preserveLabels: true } : {}) };
    }
    case 'labels/tool':
      return validateTool(b, ctx);
    case 'image/setPixelSize': {
      if (b.pixelSize === undefined) return { type };
      const ps = b.pixelSize;
      if (!isRecord(ps)) fail(`pixelSize must be an object, got ${describe(ps)}`);
      const size = (key: string): number => {
        const v = ps[key];
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 1e9) fail(`pixelSize.${key} must be a positive number, got ${describe(v)}`);
        return v;
      };
      const unit = str(ps, 'unit', 20);
      if (unit.trim() === '') fail('pixelSize.unit must name a unit');
      return { type, pixelSize: { x: size('x'), y: size('y'), ...(ps.z !== undefined ? { z: size('z') } : {}), unit: unit.trim() } };
    }
    case 'labels/copySlice': {
      const { orientation, shape: s } = viewOf(b, needShape(ctx, type));
      const t = int(b, 't', 0, s.t - 1);
      const fromZ = int(b, 'fromZ', 0, s.z - 1);
      const toZ = int(b, 'toZ', 0, s.z - 1);
      if (Math.abs(fromZ - toZ) !== 1) fail(`labels are copied to the next or previous slice, not from ${fromZ} to ${toZ}`);
      return { type, ...(orientation ? { orientation } : {}), t, fromZ, toZ, preserveLabels: bool(b, 'preserveLabels') };
    }
    case 'classes/rename': {
      const id = classId(b, ctx);
      const name = str(b, 'name', PROTOCOL_LIMITS.maxClassNameLength).trim();
      if (name.length === 0) fail('name must not be empty');
      if (/[\u0000-\u001f\u007f]/.test(name)) fail('name must not contain control characters');
      return { type, classId: id, name };
    }
    case 'classes/recolor': {
      const id = classId(b, ctx);
      const color = str(b, 'color', 7);
      if (!COLOR.test(color)) fail(`color must be "#rrggbb", got "${color}"`);
      return { type, classId: id, color: color.toLowerCase() };
    }
    case 'classes/delete':
      return { type, classId: classId(b, ctx) };
    case 'features/set':
      return { type, features: validateFeatureSelection(b.features, ctx.shape?.c) };
    case 'live/set':
      return { type, enabled: bool(b, 'enabled') };
    case 'view/changed': {
      const s = needShape(ctx, type);
      const result = { type, t: int(b, 't', 0, s.t - 1), z: int(b, 'z', 0, s.z - 1), box: box(b, s) } as const;
      if (b.cursor === undefined) return result;
      const cursor = b.cursor;
      if (!isRecord(cursor)) fail(`cursor must be an object, got ${describe(cursor)}`);
      return { ...result, cursor: { y: int(cursor, 'y', 0, s.y - 1), x: int(cursor, 'x', 0, s.x - 1) } };
    }
    case 'features/preview': {
      const s = needShape(ctx, type);
      const featureId = str(b, 'featureId', 60);
      if (!KNOWN_FEATURE_IDS.has(featureId)) fail(`featureId "${featureId}" is not a known feature`);
      const sigma = b.sigma;
      if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0 || sigma > 100) fail(`sigma must be a number in (0, 100], got ${describe(sigma)}`);
      const region = box(b, s);
      if (region.width * region.height > PROTOCOL_LIMITS.maxPreviewPixels) fail(`preview box of ${region.width}×${region.height} pixels is too large`);
      return {
        type, requestId: int(b, 'requestId', 0, Number.MAX_SAFE_INTEGER), featureId, sigma, in2D: bool(b, 'in2D'),
        t: int(b, 't', 0, s.t - 1), z: int(b, 'z', 0, s.z - 1), c: int(b, 'c', 0, s.c - 1), box: region,
      };
    }
    default:
      fail(`unknown message type "${type.slice(0, 60)}"`);
  }
}
