import { createHash } from 'node:crypto';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { bioimageioRdf, toIdentifier, uniqueIdentifiers, type BioimageioModelInfo } from '../../extension/core/bioimageio/bioimageioRdf';
import { encodeNpyFloat32 } from '../../extension/core/bioimageio/npyWriter';
import { readNpyHeader, validateBioimageioPackage } from '../../extension/core/bioimageio/validateBioimageioRdf';
import { toYaml } from '../../extension/core/bioimageio/yamlWriter';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

describe('toYaml', () => {
  it('writes block mappings and sequences with JSON scalars', () => {
    expect(toYaml({ a: 1, b: ['x', { c: true, d: null }], e: {}, f: [], g: undefined, 'odd key': 'y: "z"', yes: 2 }))
      .toBe('a: 1\nb:\n- "x"\n- c: true\n  d: null\ne: {}\nf: []\n"odd key": "y: \\"z\\""\n"yes": 2\n');
  });
  it('round-trips through a YAML parser, including unicode and nested lists', () => {
    const value = { name: 'σ = 1.0 “quoted”', list: [[1, 2], [{ k: 'v' }]], nested: { deep: { deeper: [0.5, -3e-7] } } };
    expect(loadYaml(toYaml(value))).toEqual(value);
  });
  it('refuses non-finite numbers', () => {
    expect(() => toYaml({ a: Number.NaN })).toThrow(/cannot write the number NaN/);
  });
});

describe('encodeNpyFloat32', () => {
  it('writes numpy format 1.0 with a 64-byte aligned header', () => {
    const bytes = encodeNpyFloat32(new Float32Array([1, -2, 3.5, 0]), [1, 2, 2]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const header = readNpyHeader(bytes)!;
    expect(header).toEqual({ descr: '<f4', shape: [1, 2, 2], dataOffset: 128 });
    const headerText = String.fromCharCode(...bytes.subarray(10, 128));
    expect(headerText).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 2\), \} +\n$/);
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(118);
    expect(Array.from(new Float32Array(bytes.slice(128).buffer))).toEqual([1, -2, 3.5, 0]);
    expect(readNpyHeader(encodeNpyFloat32(new Float32Array(3), [3]))!.shape).toEqual([3]);
    expect(() => encodeNpyFloat32(new Float32Array(3), [2, 2])).toThrow(/needs 4 values, got 3/);
  });
});

describe('identifiers', () => {
  it('turns class names into unique bioimage.io identifiers', () => {
    expect(toIdentifier('Label 1', 'x')).toBe('Label_1');
    expect(toIdentifier('2 nuclei', 'x')).toBe('_2_nuclei');
    expect(toIdentifier('ñandú', 'x')).toBe('nandu');
    expect(toIdentifier('***', 'class0')).toBe('class0');
    expect(uniqueIdentifiers(['a b', 'a-b', 'c'], 'class')).toEqual(['a_b', 'a_b_2', 'c']);
  });
});

/** A small valid package (2D, 1 channel, 2 classes, halo 2, min 5). */
function validPackage(): { rdf: Record<string, any>; files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>([
    ['model.onnx', text('onnx bytes')],
    ['test_input.npy', encodeNpyFloat32(new Float32Array(1 * 1 * 6 * 7), [1, 1, 6, 7])],
    ['test_output.npy', encodeNpyFloat32(new Float32Array(1 * 2 * 6 * 7), [1, 2, 6, 7])],
    ['cover.png', text('png')],
    ['README.md', text('# Model\n# Validation\n')],
  ]);
  const f = (source: string) => ({ source, sha256: sha256(files.get(source)!) });
  const info: BioimageioModelInfo = {
    name: 'Pixel Classifier test', description: 'a test', authors: ['A'], license: 'MIT', spatialDims: 2,
    inputChannelNames: ['channel0'], classNames: ['Label 1', 'Label 2'], minSize: { y: 5, x: 5 }, halo: { y: 2, x: 2 },
    weights: { ...f('model.onnx'), opsetVersion: 17 }, testInput: f('test_input.npy'), testOutput: f('test_output.npy'),
    cover: f('cover.png'), documentation: f('README.md'), timestamp: '2026-01-01T00:00:00.000Z', tags: ['x'], provenance: { a: 'b' },
  };
  // Through YAML and back, as a consumer reads it.
  return { rdf: loadYaml(toYaml(bioimageioRdf(info))) as Record<string, any>, files };
}

describe('validateBioimageioPackage (the documented 0.5 rules)', () => {
  const problems = (mutate: (p: { rdf: Record<string, any>; files: Map<string, Uint8Array> }) => void) => {
    const p = validPackage();
    mutate(p);
    return validateBioimageioPackage({ ...p, sha256 });
  };

  it('accepts the package the exporter builds', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it.each<[string, (p: { rdf: Record<string, any>; files: Map<string, Uint8Array> }) => void, RegExp]>([
    ['1 type', (p) => { p.rdf.type = 'dataset'; }, /type must be "model"/],
    ['1 format_version', (p) => { p.rdf.format_version = '0.4.10'; }, /format_version must be 0\.5\.x/],
    ['2 name length', (p) => { p.rdf.name = 'abc'; }, /name must have 5–64 characters/],
    ['2 name characters', (p) => { p.rdf.name = 'model: σ!'; }, /name must have 5–64 characters/],
    ['3 authors', (p) => { p.rdf.authors = []; }, /authors must be a non-empty list/],
    ['3 cite', (p) => { p.rdf.cite = [{ text: 'x' }]; }, /cite must be a non-empty list of \{text, doi or url\}/],
    ['3 license', (p) => { p.rdf.license = 'my licence'; }, /license must be an SPDX license id/],
    ['3 documentation', (p) => { p.files.delete('README.md'); }, /documentation: README\.md is not in the package/],
    ['4 covers', (p) => { p.rdf.covers = ['cover.bmp']; }, /covers\[0\]: cover\.bmp must end with \.png/],
    ['5 duplicate tensor ids', (p) => { p.rdf.outputs[0].id = 'raw'; }, /tensor id appears twice/],
    ['5 tensor id case', (p) => { p.rdf.outputs[0].id = 'Probabilities'; }, /id must be a lowercase identifier/],
    ['5 description length', (p) => { p.rdf.inputs[0].axes[2].description = 'x'.repeat(129); }, /raw\]\.y: description longer than 128 characters/],
    ['6 two channel axes', (p) => { p.rdf.inputs[0].axes.push({ type: 'channel', id: 'c2', channel_names: ['a'] }); }, /more than one channel axis/],
    ['6 duplicate axis ids', (p) => { p.rdf.inputs[0].axes[3].id = 'y'; }, /axis id y appears twice/],
    ['6 batch size', (p) => { p.rdf.inputs[0].axes[0].size = 4; }, /a batch axis has size 1 or none/],
    ['6 channel names', (p) => { p.rdf.outputs[0].axes[1].channel_names = ['Label 1', 'ok']; }, /channel_names must be a non-empty list of identifiers/],
    ['6 parameterized size', (p) => { p.rdf.inputs[0].axes[2].size = { min: 0, step: 1 }; }, /a parameterized size needs min > 0 and step > 0/],
    ['6 dangling reference', (p) => { p.rdf.outputs[0].axes[2].size.axis_id = 'w'; }, /size references raw\.w/],
    ['7 halo on an input', (p) => { p.rdf.inputs[0].axes[2].halo = 1; }, /halo is only allowed on output axes/],
    ['7 halo too large', (p) => { p.rdf.outputs[0].axes[2].halo = 3; }, /minimum size 5 is too small for halo 3/],
    ['8 test tensor hash', (p) => { p.rdf.inputs[0].test_tensor.sha256 = '0'.repeat(64); }, /sha256 does not match the bytes of test_input\.npy/],
    ['8 test tensor rank', (p) => { p.files.set('test_output.npy', encodeNpyFloat32(new Float32Array(84), [2, 6, 7])); p.rdf.outputs[0].test_tensor.sha256 = sha256(p.files.get('test_output.npy')!); }, /3 dimensions for 4 axes/],
    ['8 test tensor size', (p) => { p.files.set('test_input.npy', encodeNpyFloat32(new Float32Array(12), [1, 1, 3, 4])); p.rdf.inputs[0].test_tensor.sha256 = sha256(p.files.get('test_input.npy')!); }, /axis y has size 3, not 5 \+ n·1/],
    ['8 output follows input', (p) => { p.files.set('test_output.npy', encodeNpyFloat32(new Float32Array(2 * 6 * 8), [1, 2, 6, 8])); p.rdf.outputs[0].test_tensor.sha256 = sha256(p.files.get('test_output.npy')!); }, /axis x has size 8, expected 7 \(from raw\.x\)/],
    ['8 test tensor dtype', (p) => { p.rdf.outputs[0].data.type = 'uint8'; }, /dtype float32 differs from data\.type uint8/],
    ['9 weights format', (p) => { p.rdf.weights = { caffe: { source: 'model.onnx' } }; }, /weights\.caffe: unknown weights format/],
    ['9 opset', (p) => { p.rdf.weights.onnx.opset_version = 6; }, /opset_version must be an integer ≥ 7/],
    ['10 outside the package', (p) => { p.rdf.weights.onnx.source = '../model.onnx'; }, /must be a file inside the package/],
  ])('rule %s', (_name, mutate, message) => {
    expect(problems(mutate).join('\n')).toMatch(message);
  });
});
