import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decode, encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import {
  checkOutputs, isExport, keepBothPaths, makeProvenance, parseProvenance, PNG_PROVENANCE_KEYWORD, provenanceJson, readEmbeddedProvenance, staleReason,
} from '../../extension/batch/exportProvenance';
import { recordPath } from '../../extension/batch/legacyExportRecord';
import { PngSink, TiffSink } from '../../extension/batch/exportSink';
import { expandInputs, segmentRegExp } from '../../extension/batch/expandInputs';
import { memoryByteSource } from '../../extension/core/image/byteSource';
import { readPngTextChunks, readTiffTextTag } from '../../extension/core/image/embeddedText';
import { encodePng } from '../../extension/core/image/pngWriter';
import { encodeTiff, PROVENANCE_TAG } from '../../extension/core/image/tiffWriter';
import { defaultExportSettings } from '../../extension/project/projectSchema';

const inputs = { inputSha256: 'a'.repeat(64), trainingHash: 'b'.repeat(64), settings: defaultExportSettings() };
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'pxc-prov-'));

async function writeTiffOutput(file: string, resultType = 'Probabilities'): Promise<void> {
  const sink = await TiffSink.create(file, { t: 1, z: 1, channels: 2, height: 3, width: 4, dtype: 'float32' }, {
    compression: 'none', channelNames: ['a', 'b'], spoolMemoryBytes: 1 << 20, axes: 'CYX',
    provenance: makeProvenance(inputs, { input: '/data/cells.tif', project: '/data/p.pixelclass.json', resultType }),
  });
  await sink.writeBand(0, 0, 1, 0, 3, [new Float32Array(12).fill(0.25), new Float32Array(12).fill(0.75)]);
  await sink.finish();
}

async function writePngOutputs(files: string[], settings = { ...inputs.settings, format: 'png' as const, dtype: 'uint8' as const }): Promise<void> {
  const sink = new PngSink(files, { t: 1, z: 1, channels: files.length, height: 3, width: 4, dtype: 'uint8' },
    files.map((_, k) => makeProvenance({ ...inputs, settings }, { input: 'cells.tif', project: 'p.pixelclass.json', resultType: `Probabilities_${k + 1}` })));
  await sink.writeBand(0, 0, 1, 0, 3, files.map((_, k) => new Uint8Array(12).fill(10 * k)));
  await sink.finish();
}

describe('provenance inside the outputs (issue 19)', () => {
  it('TIFF: a private ASCII tag of page 0, read back without reading pixels; no sidecar file', async () => {
    const dir = tmp();
    const out = path.join(dir, 'cells_Probabilities.tif');
    await writeTiffOutput(out);
    const embedded = await readEmbeddedProvenance(out);
    expect(embedded.kind).toBe('ours');
    expect(embedded.kind === 'ours' && embedded.provenance).toEqual({
      format: 'pixel-classifier-export', version: 1, input: 'cells.tif', project: 'p.pixelclass.json', resultType: 'Probabilities',
      inputSha256: inputs.inputSha256, trainingHash: inputs.trainingHash,
      settings: { source: 'probabilities', dtype: 'float32', format: 'tiff', compression: 'none' }, // no file name template
    });
    const text = await readTiffTextTag(memoryByteSource(readFileSync(out)), PROVENANCE_TAG);
    expect(JSON.parse(text!).resultType).toBe('Probabilities');
    // The ImageJ description is still the ImageJ one.
    expect(await readTiffTextTag(memoryByteSource(readFileSync(out)), 270)).toBe('ImageJ=1.11a\nimages=2\nchannels=2\nhyperstack=true\nmode=composite\nloop=false\n');
    expect(existsSync(recordPath(out))).toBe(false);
  });

  it('the tag reader: BigTIFF, short inline values, absent tags, foreign and truncated files', async () => {
    const big = encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8', bigTiff: true, provenance: '{"a":1}' });
    expect(await readTiffTextTag(memoryByteSource(big), PROVENANCE_TAG)).toBe('{"a":1}');
    const inline = encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8', provenance: 'ab' }); // 3 bytes: inline in the entry
    expect(await readTiffTextTag(memoryByteSource(inline), PROVENANCE_TAG)).toBe('ab');
    const none = encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8' });
    expect(await readTiffTextTag(memoryByteSource(none), PROVENANCE_TAG)).toBeUndefined();
    expect(await readTiffTextTag(memoryByteSource(new TextEncoder().encode('not a tiff at all')), PROVENANCE_TAG)).toBeUndefined();
    expect(await readTiffTextTag(memoryByteSource(big.subarray(0, 40)), PROVENANCE_TAG)).toBeUndefined();
    expect(await readPngTextChunks(memoryByteSource(none))).toBeUndefined();
    const png = encodePng(new Uint8Array(4), 2, 2, { k: 'v' });
    expect(await readPngTextChunks(memoryByteSource(png.subarray(0, png.length - 6)))).toBeUndefined(); // no IEND
    expect((await readPngTextChunks(memoryByteSource(png)))!.text).toEqual({ k: 'v' });
  });

  it('up to date only when every output exists with the same inputs; other files are conflicts', async () => {
    const dir = tmp();
    const out = path.join(dir, 'cells_Probabilities.tif');
    expect(await checkOutputs([out], inputs)).toEqual({ reason: 'new', conflicts: [] });
    await writeTiffOutput(out);
    expect(await checkOutputs([out], inputs)).toEqual({ conflicts: [] });
    expect(await staleReason([out], inputs)).toBeUndefined();
    expect(await checkOutputs([out], { ...inputs, inputSha256: 'c'.repeat(64) })).toEqual({ reason: 'input image changed', conflicts: [{ output: out, reason: 'input image changed' }] });
    expect(await staleReason([out], { ...inputs, trainingHash: 'c'.repeat(64) })).toBe('classifier changed');
    expect(await staleReason([out], { ...inputs, settings: { ...inputs.settings, compression: 'deflate' } })).toBe('export settings changed');
    // Another template that names the same file: the file still holds the same results.
    expect(await staleReason([out], { ...inputs, settings: { ...inputs.settings, filenameFormat: `${dir}/{nickname}_{result_type}.tif` } })).toBeUndefined();
    // A TIFF another program wrote (no provenance tag), and a file that is not an image at all.
    writeFileSync(out, encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8' }));
    expect(await checkOutputs([out], inputs)).toEqual({
      reason: 'output cells_Probabilities.tif is not a Pixel Classifier export (no provenance inside)',
      conflicts: [{ output: out, reason: 'output cells_Probabilities.tif is not a Pixel Classifier export (no provenance inside)' }],
    });
    writeFileSync(out, 'notes');
    expect((await checkOutputs([out], inputs)).conflicts).toHaveLength(1);
    expect(await isExport(out)).toBe(false);
  });

  it('PNG: a tEXt chunk before the image data with the IDAT CRCs; a re-encoded PNG that kept the text is "modified"', async () => {
    const dir = tmp();
    const png = inputs.settings;
    const files = [path.join(dir, 'c_Probabilities_1.png'), path.join(dir, 'c_Probabilities_2.png')];
    const settings = { ...png, format: 'png' as const, dtype: 'uint8' as const };
    await writePngOutputs(files, settings);
    const bytes = readFileSync(files[1]);
    // IHDR, then our tEXt chunk.
    expect(bytes.subarray(37, 41).toString('latin1')).toBe('tEXt');
    const chunks = await readPngTextChunks(memoryByteSource(bytes));
    const provenance = parseProvenance(chunks!.text[PNG_PROVENANCE_KEYWORD])!;
    expect(provenance.resultType).toBe('Probabilities_2');
    expect(provenance.pngData).toEqual(chunks!.idatCrcs.map((c) => c.toString(16).padStart(8, '0')));
    expect(decode(bytes).data).toEqual(new Uint8Array(12).fill(10)); // still a plain greyscale PNG
    const expected = { ...inputs, settings };
    expect(await checkOutputs(files, expected)).toEqual({ conflicts: [] });
    const kept = readFileSync(files[0]);
    rmSync(files[0]);
    expect(await checkOutputs(files, expected)).toEqual({ reason: 'output c_Probabilities_1.png is missing', conflicts: [] });
    writeFileSync(files[0], kept);
    // Another program edits a pixel and saves, keeping the text chunks (as ImageMagick does).
    const decoded = decode(bytes);
    const edited = Uint8Array.from(decoded.data as Uint8Array);
    edited[0] = 99;
    writeFileSync(files[1], encode({ width: 4, height: 3, data: edited, depth: 8, channels: 1, text: decoded.text }));
    expect((await readEmbeddedProvenance(files[1])).kind).toBe('modified');
    expect(await checkOutputs(files, expected)).toEqual({ reason: 'output c_Probabilities_2.png was modified', conflicts: [{ output: files[1], reason: 'output c_Probabilities_2.png was modified' }] });
    expect(await isExport(files[1])).toBe(true);
  });

  it('provenance JSON is ASCII (non-ASCII as \\u escapes) and round-trips; foreign JSON is not ours', () => {
    const p = makeProvenance(inputs, { input: 'Zellen_ä_µm.tif', project: 'Projekt_ü.pixelclass.json', resultType: 'Probabilities' });
    const json = provenanceJson(p);
    expect(/^[\x20-\x7e]*$/.test(json)).toBe(true);
    expect(parseProvenance(json)).toEqual(p);
    expect(encodePng(new Uint8Array(1), 1, 1, { [PNG_PROVENANCE_KEYWORD]: json }).length).toBeGreaterThan(json.length);
    expect(parseProvenance('{"format":"something-else"}')).toBeUndefined();
    expect(parseProvenance('{')).toBeUndefined();
  });

  it('legacy sidecar records still make an export up to date (migration)', async () => {
    const dir = tmp();
    const out = path.join(dir, 'a_Probabilities.tif');
    writeFileSync(out, 'x');
    writeFileSync(recordPath(out), JSON.stringify({
      format: 'pixel-classifier-export-record', version: 1, ...inputs, outputs: [{ path: 'a_Probabilities.tif', bytes: 1 }], written: '2026-01-01T00:00:00Z',
    }));
    expect(await checkOutputs([out], inputs)).toEqual({ conflicts: [] });
    expect(await staleReason([out], { ...inputs, trainingHash: 'c'.repeat(64) })).toBe('classifier changed');
    expect(await isExport(out)).toBe(true);
    writeFileSync(out, 'xy');
    expect(await staleReason([out], inputs)).toBe('output a_Probabilities.tif was modified');
  });

  it('keep both: the first free -N suffix shared by all outputs of an input', async () => {
    const dir = tmp();
    const a = path.join(dir, 'c_Probabilities_1.png');
    const b = path.join(dir, 'c_Probabilities_2.png');
    writeFileSync(path.join(dir, 'c_Probabilities_2-2.png'), '');
    expect(await keepBothPaths([a, b])).toEqual([path.join(dir, 'c_Probabilities_1-3.png'), path.join(dir, 'c_Probabilities_2-3.png')]);
    expect(await keepBothPaths([path.join(dir, 'x.tif')])).toEqual([path.join(dir, 'x-2.tif')]);
  });
});

describe('glob expansion', () => {
  it('segment patterns', () => {
    expect(segmentRegExp('img?.tif').test('img1.tif')).toBe(true);
    expect(segmentRegExp('img?.tif').test('img10.tif')).toBe(false);
    expect(segmentRegExp('*.tif').test('a.b.tif')).toBe(true);
    expect(segmentRegExp('[ab]*.png').test('b1.png')).toBe(true);
    expect(segmentRegExp('[!ab]*.png').test('a1.png')).toBe(false);
    expect(segmentRegExp('a+(b).tif').test('a+(b).tif')).toBe(true);
  });

  it('expands *, ** and keeps plain paths; skips earlier exports', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-glob-'));
    mkdirSync(path.join(dir, 'sub', 'deep'), { recursive: true });
    for (const f of ['a.tif', 'b.tif', 'c.png', 'sub/d.tif', 'sub/deep/e.tif', '.hidden.tif', 'a_Probabilities.tif', 'a_Probabilities.tif.pixelclass-record.json']) {
      writeFileSync(path.join(dir, f), '');
    }
    // Exports with their provenance inside (TIFF tag, PNG tEXt) are left out too.
    await writeTiffOutput(path.join(dir, 'b_Probabilities.tif'));
    await writePngOutputs([path.join(dir, 'b_Probabilities_1.png')]);
    writeFileSync(path.join(dir, 'plain.png'), encodePng(new Uint8Array(4), 2, 2));
    const { files, unmatched } = await expandInputs(['*.tif', '**/*.tif', 'missing.tif', 'nothing/*.tif', '*.png'], dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a.tif', 'b.tif', 'c.png', 'missing.tif', 'plain.png', 'sub/d.tif', 'sub/deep/e.tif']);
    expect(unmatched).toEqual(['nothing/*.tif']);
  });
});
