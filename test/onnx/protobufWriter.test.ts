import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from '../../extension/core/onnx/protobufWriter';
import { encodeOnnxModel, ONNX_FLOAT, ONNX_INT64 } from '../../extension/core/onnx/onnxProto';
import { int64, onnxMetadata, onnxOpTypes, packedInts, readFields } from './protobufReader';

const bytes = (w: ProtobufWriter) => Array.from(w.finish());

describe('ProtobufWriter', () => {
  it('writes varints as protobuf does (the documented examples)', () => {
    expect(bytes(new ProtobufWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtobufWriter().int(2, 0))).toEqual([0x10, 0x00]);
    // int64 −1: ten bytes of two's complement.
    expect(bytes(new ProtobufWriter().int(1, -1))).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytes(new ProtobufWriter().int(1, 2 ** 40))).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  });

  it('writes strings, floats, doubles, nested messages and packed lists', () => {
    expect(bytes(new ProtobufWriter().string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(bytes(new ProtobufWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes(new ProtobufWriter().double(1, 1))).toEqual([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(bytes(new ProtobufWriter().message(3, (m) => m.int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(bytes(new ProtobufWriter().packedInts(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytes(new ProtobufWriter().packedInts(4, []))).toEqual([]);
    expect(bytes(new ProtobufWriter().packedFloats(5, [1, -2]))).toEqual([0x2a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it('grows its buffer for large fields and rejects non-integers', () => {
    const big = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const out = new ProtobufWriter().bytesField(1, big).finish();
    expect(out.length).toBe(100_000 + 1 + 3);
    expect(Array.from(out.subarray(4, 8))).toEqual([0, 1, 2, 3]);
    expect(() => new ProtobufWriter().int(1, 1.5)).toThrow(/safe integer/);
    expect(() => new ProtobufWriter().int(1, 2 ** 60)).toThrow(/safe integer/);
  });
});

describe('encodeOnnxModel', () => {
  const model = encodeOnnxModel({
    irVersion: 8, producerName: 'p', producerVersion: '1', opsets: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
    metadata: { a: 'b', classes: '["x"]' },
    graph: {
      name: 'g',
      nodes: [{ opType: 'Add', inputs: ['x', 'c'], outputs: ['y'], attributes: { axes: { ints: [-1, 2] }, mode: { s: 'reflect' } } }],
      initializers: [{ name: 'c', dataType: ONNX_FLOAT, dims: [2], values: [0.5, -1] }, { name: 'i', dataType: ONNX_INT64, dims: [1], values: [-3] }],
      inputs: [{ name: 'x', dataType: ONNX_FLOAT, dims: [1, 'y'] }],
      outputs: [{ name: 'y', dataType: ONNX_FLOAT, dims: [1, 'y'] }],
    },
  });

  it('lays out ModelProto fields with onnx.proto numbers', () => {
    const top = readFields(model);
    expect(int64(top.find((f) => f.field === 1)!)).toBe(8);
    const opsets = top.filter((f) => f.field === 8).map((f) => readFields(f.bytes!));
    expect(opsets.map((o) => int64(o.find((f) => f.field === 2)!))).toEqual([17, 3]);
    expect(onnxMetadata(model)).toEqual({ a: 'b', classes: '["x"]' });
    expect(onnxOpTypes(model)).toEqual(['Add']);
  });

  it('encodes attributes with their type tag, float tensors as raw data and int64 tensors as int64_data', () => {
    const graph = readFields(readFields(model).find((f) => f.field === 7)!.bytes!);
    const node = readFields(graph.find((f) => f.field === 1)!.bytes!);
    const attrs = node.filter((f) => f.field === 5).map((f) => readFields(f.bytes!));
    expect(packedInts(attrs[0].find((f) => f.field === 8)!.bytes!)).toEqual([-1, 2]);
    expect(int64(attrs[0].find((f) => f.field === 20)!)).toBe(7); // INTS
    expect(int64(attrs[1].find((f) => f.field === 20)!)).toBe(3); // STRING
    const [c, i] = graph.filter((f) => f.field === 5).map((f) => readFields(f.bytes!));
    const raw = c.find((f) => f.field === 9)!.bytes!;
    expect(Array.from(new Float32Array(raw.slice().buffer))).toEqual([0.5, -1]);
    expect(packedInts(i.find((f) => f.field === 7)!.bytes!)).toEqual([-3]);
  });

  it('rejects a tensor whose values do not fill its dims', () => {
    expect(() => encodeOnnxModel({
      irVersion: 8, producerName: 'p', producerVersion: '1', opsets: [], metadata: {},
      graph: { name: 'g', nodes: [], initializers: [{ name: 'c', dataType: ONNX_FLOAT, dims: [2, 2], values: [1] }], inputs: [], outputs: [] },
    })).toThrow(/tensor c: dims 2×2 need 4 values, got 1/);
  });
});
