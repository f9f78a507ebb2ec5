import { describe, expect, it } from 'vitest';
import {
  addScale, cellAllowed, channelCount, editScale, FEATURE_FAMILIES, memoryEstimate, normalizeSelection, presetAll, presetLight,
  presetNone, removeScale, sameSelection, setScaleUnit, sigmaRange, toggleChannel, usedChannels,
} from '../../webview/panels/featureGrid';
import { physicalScaleNote } from '../../webview/panels/physicalScaleNote';

describe('feature grid', () => {
  it('ilastik "all" is 49 channels for one 2D channel', () => {
    expect(channelCount(presetAll(), 1, false)).toBe(49);
    expect(channelCount(presetAll(), 3, false)).toBe(147);
  });

  it('3D columns count 3 eigenvalues for structure tensor and Hessian', () => {
    const sel = presetAll();
    for (const s of sel.scales) s.in2D = false;
    // Gaussian 7 + LoG/GGM/DoG 6 each + ST/HoG 6×3 each = 7 + 18 + 36 = 61
    expect(channelCount(sel, 1, true)).toBe(61);
    // the in2D flag is ignored without z
    expect(channelCount(sel, 1, false)).toBe(49);
  });

  it('none and light presets', () => {
    expect(channelCount(presetNone(), 1, false)).toBe(0);
    expect(channelCount(presetLight(), 1, false)).toBe(1 + 3 * (1 + 1 + 1 + 1 + 2 + 2));
  });

  it('σ = 0.3 is only for Gaussian smoothing', () => {
    expect(cellAllowed('GaussianSmoothing', 0.3)).toBe(true);
    expect(cellAllowed('HessianOfGaussianEigenvalues', 0.3)).toBe(false);
    expect(cellAllowed('HessianOfGaussianEigenvalues', 0.7)).toBe(true);
  });

  it('memory = channels × pixels × 4 bytes', () => {
    expect(memoryEstimate(49, 1024, 512)).toBe(49 * 1024 * 512 * 4);
  });

  it('adds a column in σ order with empty cells', () => {
    const sel = addScale(presetAll(), 2.5);
    expect(sel.scales.map((s) => s.sigma)).toEqual([0.3, 0.7, 1, 1.6, 2.5, 3.5, 5, 10]);
    for (const f of FEATURE_FAMILIES) expect(sel.selected[f.id][4]).toBe(false);
    expect(channelCount(sel, 1, false)).toBe(49);
    expect(addScale(sel, 2.5)).toBe(sel);
    expect(addScale(sel, 0)).toBe(sel);
  });

  it('removes a column with its cells', () => {
    const sel = removeScale(presetAll(), 0);
    expect(sel.scales.length).toBe(6);
    expect(channelCount(sel, 1, false)).toBe(48);
  });

  it('editing σ keeps the column selection and re-sorts', () => {
    const light = presetLight();
    const i = light.scales.findIndex((s) => s.sigma === 1.6);
    const sel = editScale(light, i, 20);
    expect(sel.scales.map((s) => s.sigma)).toEqual([0.3, 0.7, 1, 3.5, 5, 10, 20]);
    expect(sel.selected.GaussianSmoothing[6]).toBe(true);
    expect(channelCount(sel, 1, false)).toBe(channelCount(light, 1, false));
    // moving a column below 0.7 drops the cells that are not allowed there
    const low = editScale(light, i, 0.4);
    expect(low.scales[1].sigma).toBe(0.4);
    expect(low.selected.GaussianSmoothing[1]).toBe(true);
    expect(low.selected.LaplacianOfGaussian[1]).toBe(false);
  });

  it('normalises partial selections from the host', () => {
    const sel = normalizeSelection({ scales: [{ sigma: 1, in2D: true }, { sigma: 2, in2D: false }], selected: { GaussianSmoothing: [true] } });
    expect(sel.selected.GaussianSmoothing).toEqual([true, false]);
    expect(sel.selected.HessianOfGaussianEigenvalues).toEqual([false, false]);
    expect(sameSelection(sel, { scales: sel.scales, selected: { GaussianSmoothing: [true, false] } })).toBe(true);
    expect(sameSelection(sel, presetNone())).toBe(false);
  });

  it('channels (issue #15): default all but alpha; unchecking stores featureChannels; back to default drops it', () => {
    const all = presetAll();
    expect(usedChannels(all, 4, 3)).toEqual([0, 1, 2]);
    const noGreen = toggleChannel(all, 1, false, 4, 3);
    expect(noGreen.featureChannels).toEqual([0, 2]);
    expect(channelCount(noGreen, usedChannels(noGreen, 4, 3).length, false)).toBe(98);
    expect('featureChannels' in toggleChannel(noGreen, 1, true, 4, 3)).toBe(false);
    const withAlpha = toggleChannel(all, 3, true, 4, 3);
    expect(withAlpha.featureChannels).toEqual([0, 1, 2, 3]);
    // The last channel cannot be unchecked.
    const one = toggleChannel(toggleChannel(all, 0, false, 2), 1, false, 2);
    expect(one.featureChannels).toEqual([1]);
    // Grid edits keep the channels and the unit.
    const physical = setScaleUnit(noGreen, true);
    expect(addScale(physical, 2.5).featureChannels).toEqual([0, 2]);
    expect(addScale(physical, 2.5).scaleUnit).toBe('physical');
    expect(editScale(physical, 0, 0.4).scaleUnit).toBe('physical');
    expect(removeScale(physical, 0).featureChannels).toEqual([0, 2]);
    expect('scaleUnit' in setScaleUnit(physical, false)).toBe(false);
    expect(sameSelection(physical, noGreen)).toBe(false);
  });

  it('physical note: σ per axis in pixels, or why physical units cannot be used', () => {
    const sel = setScaleUnit(presetNone(), true);
    sel.scales = [{ sigma: 1, in2D: false }];
    expect(physicalScaleNote(sel, { x: 0.5, y: 0.25, z: 2, unit: 'µm', source: 'OME-XML' }, true))
      .toEqual({ text: 'σ=1 µm → 2 × 4 × 0.5 pixels (x × y × z); pixel 0.5 × 0.25 × 2 µm.', warning: false });
    expect(physicalScaleNote(sel, { x: 500, y: 500, unit: 'nm', source: 'project' }, false).text).toBe('σ=1 µm → 2 × 2 pixels (x × y); pixel 0.5 × 0.5 µm.');
    expect(physicalScaleNote(sel, undefined, false)).toEqual({ text: expect.stringMatching(/no pixel size/), warning: true });
    expect(physicalScaleNote(sel, { x: 1, y: 1, unit: 'pixel', source: 'ImageJ' }, false).warning).toBe(true);
    expect(physicalScaleNote(sel, { x: 1, y: 1, unit: 'µm', source: 'ImageJ' }, true).text).toMatch(/no z step/);
  });

  it('physical units: the pixel minimums of ilastik do not apply to σ in µm (small σ for fine pixels)', () => {
    const physical = setScaleUnit(presetNone(), true);
    expect(cellAllowed('HessianOfGaussianEigenvalues', 0.3, true)).toBe(true);
    expect(sigmaRange(physical).min).toBeLessThan(0.05);
    const fine = addScale(physical, 0.05);
    expect(fine.scales[0].sigma).toBe(0.05);
    fine.selected.HessianOfGaussianEigenvalues[0] = true;
    expect(normalizeSelection(fine).selected.HessianOfGaussianEigenvalues[0]).toBe(true);
    // Back in pixels the cell is not allowed any more, and a 0.05 pixel column cannot be added.
    expect(normalizeSelection(setScaleUnit(fine, false)).selected.HessianOfGaussianEigenvalues[0]).toBe(false);
    expect(addScale(presetNone(), 0.05).scales.length).toBe(presetNone().scales.length);
  });
});
