import { describe, expect, it } from 'vitest';
import { validateWebviewMessage, validateFeatureSelection, type ValidationContext } from '../../extension/editor/messageValidation';

const ctx: ValidationContext = { shape: { t: 2, z: 3, c: 2, y: 40, x: 50 }, nClasses: 2 };
const env = (body: unknown, extra: Record<string, unknown> = {}) => ({ messageId: 1, body, ...extra });
const points = (...xy: number[]) => new Float32Array(xy).buffer;

function reason(raw: unknown, c: ValidationContext = ctx): string {
  const r = validateWebviewMessage(raw, c);
  if (r.ok) throw new Error('expected rejection');
  return r.reason;
}

describe('validateWebviewMessage', () => {
  it('features/preview: a known family, σ in (0, 100], a box inside the image, a channel of the image', () => {
    const body = { type: 'features/preview', requestId: 4, featureId: 'GaussianSmoothing', sigma: 1.6, in2D: true, t: 1, z: 2, c: 1, box: { column: 10, row: 5, width: 20, height: 15 } };
    expect(validateWebviewMessage(env({ ...body, junk: 1 }), ctx)).toEqual({ ok: true, envelope: { messageId: 1, body } });
    expect(reason(env({ ...body, featureId: 'Sobel' }))).toMatch(/featureId "Sobel" is not a known feature/);
    expect(reason(env({ ...body, sigma: 0 }))).toMatch(/sigma must be a number in \(0, 100\]/);
    expect(reason(env({ ...body, sigma: Number.NaN }))).toMatch(/sigma/);
    expect(reason(env({ ...body, c: 2 }))).toMatch(/c=2 is outside 0..1/);
    expect(reason(env({ ...body, box: { column: 40, row: 0, width: 20, height: 5 } }))).toMatch(/width=20 is outside 1..10/);
    expect(reason(env({ ...body, in2D: 'yes' }))).toMatch(/in2D must be a boolean/);
    expect(reason(env({ ...body, requestId: -1 }))).toMatch(/requestId/);
    expect(reason(env(body), { nClasses: 2 })).toMatch(/while no image is open/);
  });

  it('accepts a well-formed ready and drops extra fields', () => {
    const r = validateWebviewMessage(env({ type: 'ready', junk: 1 }), ctx);
    expect(r).toEqual({ ok: true, envelope: { messageId: 1, body: { type: 'ready' } } });
  });

  it('rejects non-objects, missing envelope fields and unknown types', () => {
    expect(reason(null)).toMatch(/object/);
    expect(reason('ready')).toMatch(/object/);
    expect(reason({ body: { type: 'ready' } })).toMatch(/messageId/);
    expect(reason({ messageId: -1, body: { type: 'ready' } })).toMatch(/messageId/);
    expect(reason({ messageId: 1.5, body: { type: 'ready' } })).toMatch(/messageId/);
    expect(reason(env([]))).toMatch(/body/);
    expect(reason(env({ type: 7 }))).toMatch(/type/);
    expect(reason(env({ type: 'labels/nuke' }))).toMatch(/unknown message type/);
    expect(reason({ messageId: 1, inReplyTo: 'x', body: { type: 'ready' } })).toMatch(/inReplyTo/);
  });

  it('checks plane indices against the image shape', () => {
    expect(validateWebviewMessage(env({ type: 'image/requestPlane', t: 1, z: 2, c: 1 }), ctx).ok).toBe(true);
    expect(reason(env({ type: 'image/requestPlane', t: 2, z: 0, c: 0 }))).toMatch(/t=2 is outside 0..1/);
    expect(reason(env({ type: 'image/requestPlane', t: 0, z: -1, c: 0 }))).toMatch(/z=-1/);
    expect(reason(env({ type: 'image/requestPlane', t: 0, z: 0, c: '0' }))).toMatch(/c must be an integer/);
    expect(reason(env({ type: 'image/requestPlane', t: 0, z: 0, c: NaN }))).toMatch(/c must be an integer/);
    expect(reason(env({ type: 'labels/requestPlane', t: 0, z: 3 }))).toMatch(/z=3/);
  });

  it('rejects image requests when no image is open, but still accepts ready and log', () => {
    const none: ValidationContext = { nClasses: 2 };
    expect(reason(env({ type: 'image/requestPlane', t: 0, z: 0, c: 0 }), none)).toMatch(/no image/);
    expect(validateWebviewMessage(env({ type: 'ready' }), none).ok).toBe(true);
    expect(validateWebviewMessage(env({ type: 'log', level: 'info', message: 'hi' }), none).ok).toBe(true);
  });

  it('validates paint strokes: class, brush size, point buffer size and coordinates', () => {
    const ok = validateWebviewMessage(env({ type: 'labels/paint', t: 0, z: 0, classId: 2, brushSize: 5, points: points(1, 2, 3, 4) }), ctx);
    expect(ok.ok).toBe(true);
    if (ok.ok && ok.envelope.body.type === 'labels/paint') expect(ok.envelope.body.points.byteLength).toBe(16);
    expect(validateWebviewMessage(env({ type: 'labels/paint', t: 0, z: 0, classId: 0, brushSize: 1, points: points(0, 0) }), ctx).ok).toBe(true);
    const base = { type: 'labels/paint', t: 0, z: 0, classId: 1, brushSize: 5 };
    expect(reason(env({ ...base, classId: 3, points: points(1, 1) }))).toMatch(/classId=3 is outside 1..2/);
    expect(reason(env({ ...base, brushSize: 62, points: points(1, 1) }))).toMatch(/brushSize=62/);
    expect(reason(env({ ...base, brushSize: 0, points: points(1, 1) }))).toMatch(/brushSize=0/);
    expect(reason(env({ ...base, points: [1, 2] }))).toMatch(/ArrayBuffer/);
    expect(reason(env({ ...base, points: new ArrayBuffer(0) }))).toMatch(/0 bytes/);
    expect(reason(env({ ...base, points: new ArrayBuffer(12) }))).toMatch(/12 bytes/);
    expect(reason(env({ ...base, points: points(NaN, 1) }))).toMatch(/not finite/);
    expect(reason(env({ ...base, points: points(1e9, 1) }))).toMatch(/far outside/);
    expect(reason(env({ ...base, points: new ArrayBuffer(8 * 100_001) }))).toMatch(/100001 points/);
  });

  it('validates class edits', () => {
    expect(validateWebviewMessage(env({ type: 'classes/rename', classId: 1, name: '  Nuclei ' }), ctx)).toEqual({
      ok: true, envelope: { messageId: 1, body: { type: 'classes/rename', classId: 1, name: 'Nuclei' } },
    });
    expect(reason(env({ type: 'classes/rename', classId: 1, name: '' }))).toMatch(/empty/);
    expect(reason(env({ type: 'classes/rename', classId: 1, name: 'x'.repeat(101) }))).toMatch(/101 characters/);
    expect(reason(env({ type: 'classes/rename', classId: 1, name: 'a\nb' }))).toMatch(/control/);
    expect(reason(env({ type: 'classes/recolor', classId: 2, color: 'red' }))).toMatch(/#rrggbb/);
    expect(reason(env({ type: 'classes/recolor', classId: 2, color: 'url(javascript:x)' }))).toMatch(/max 7/);
    expect(validateWebviewMessage(env({ type: 'classes/recolor', classId: 2, color: '#A0B0C0' }), ctx)).toMatchObject({
      ok: true, envelope: { body: { color: '#a0b0c0' } },
    });
    expect(reason(env({ type: 'classes/delete', classId: 0 }))).toMatch(/classId=0/);
    expect(reason(env({ type: 'classes/delete', classId: 1 }), { ...ctx, nClasses: 0 })).toMatch(/no classes/);
  });

  it('validates view boxes against the plane', () => {
    const box = { column: 10, row: 5, width: 40, height: 35 };
    expect(validateWebviewMessage(env({ type: 'view/changed', t: 0, z: 0, box }), ctx).ok).toBe(true);
    expect(reason(env({ type: 'view/changed', t: 0, z: 0, box: { ...box, width: 41 } }))).toMatch(/width=41 is outside 1..40/);
    expect(reason(env({ type: 'view/changed', t: 0, z: 0, box: { ...box, height: 0 } }))).toMatch(/height=0/);
    expect(reason(env({ type: 'view/changed', t: 0, z: 0, box: null }))).toMatch(/box must be an object/);
  });

  it('validates live toggles and log lines', () => {
    expect(reason(env({ type: 'live/set', enabled: 'yes' }))).toMatch(/boolean/);
    expect(reason(env({ type: 'log', level: 'debug', message: 'x' }))).toMatch(/level/);
    expect(reason(env({ type: 'log', level: 'info', message: 'x'.repeat(10_001) }))).toMatch(/10001 characters/);
  });

  it('never throws, even on hostile objects', () => {
    const hostile = { messageId: 1, get body() { throw new Error('boom'); } };
    expect(reason(hostile)).toMatch(/boom/);
    for (const raw of [undefined, 0, true, [], { messageId: 1 }, { messageId: 1, body: { type: 'labels/paint' } }]) {
      expect(validateWebviewMessage(raw, ctx).ok).toBe(false);
    }
  });
});

describe('validateFeatureSelection', () => {
  const scales = [{ sigma: 1, in2D: false }, { sigma: 3.5, in2D: true }];
  it('fills families that are missing and copies the data', () => {
    const sel = validateFeatureSelection({ scales, selected: { GaussianSmoothing: [true, false] } });
    expect(sel.selected.GaussianSmoothing).toEqual([true, false]);
    expect(sel.selected.HessianOfGaussianEigenvalues).toEqual([false, false]);
    expect(Object.keys(sel.selected)).toHaveLength(6);
  });
  it('rejects unknown ids, wrong lengths, bad sigmas and too many scales', () => {
    expect(() => validateFeatureSelection({ scales, selected: { Foo: [true, true] } })).toThrow(/unknown feature id/);
    expect(() => validateFeatureSelection({ scales, selected: { GaussianSmoothing: [true] } })).toThrow(/2 booleans/);
    expect(() => validateFeatureSelection({ scales: [{ sigma: -1, in2D: false }], selected: {} })).toThrow(/sigma/);
    expect(() => validateFeatureSelection({ scales: [{ sigma: Infinity, in2D: false }], selected: {} })).toThrow(/sigma/);
    expect(() => validateFeatureSelection({ scales: Array(17).fill({ sigma: 1, in2D: false }), selected: {} })).toThrow(/17 entries/);
    expect(() => validateFeatureSelection({ scales: [], selected: {} })).toThrow(/0 entries/);
  });
  it('scaleUnit and featureChannels (issue #15): physical kept, pixels dropped, channels within the image', () => {
    expect(validateFeatureSelection({ scales, selected: {}, scaleUnit: 'physical' }).scaleUnit).toBe('physical');
    expect('scaleUnit' in validateFeatureSelection({ scales, selected: {}, scaleUnit: 'pixels' })).toBe(false);
    expect(() => validateFeatureSelection({ scales, selected: {}, scaleUnit: 'metric' })).toThrow(/scaleUnit/);
    expect(validateFeatureSelection({ scales, selected: {}, featureChannels: [0, 2] }, 3).featureChannels).toEqual([0, 2]);
    expect(() => validateFeatureSelection({ scales, selected: {}, featureChannels: [0, 2] }, 2)).toThrow(/featureChannels\[1\] must be a channel index 0\.\.1/);
    expect(() => validateFeatureSelection({ scales, selected: {}, featureChannels: [] }, 2)).toThrow(/1\.\.2 channels/);
    expect(() => validateFeatureSelection({ scales, selected: {}, featureChannels: [1, 0] }, 2)).toThrow(/ascending/);
    expect(() => validateFeatureSelection({ scales, selected: {}, featureChannels: ['0'] }, 2)).toThrow(/channel index/);
    // Through the message: the open image's channel count (2) is the limit.
    const body = { type: 'features/set', features: { scales, selected: {}, featureChannels: [1] } };
    const r = validateWebviewMessage(env(body), ctx);
    expect(r.ok && r.envelope.body.type === 'features/set' && r.envelope.body.features.featureChannels).toEqual([1]);
    expect(reason(env({ type: 'features/set', features: { scales, selected: {}, featureChannels: [2] } }))).toMatch(/featureChannels/);
  });
});
