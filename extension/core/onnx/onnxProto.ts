/**
 * The subset of ONNX's protobuf messages (onnx.proto, IR version 8) that exported classifiers use, as plain
 * data, and their encoder. Field numbers follow onnx.proto exactly.
 */
import { ProtobufWriter } from './protobufWriter';

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export type OnnxDataType = typeof ONNX_FLOAT | typeof ONNX_INT64;

/** A constant tensor (initializer or attribute value). */
export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  /** Values in row-major order (float32 values are rounded on encoding). */
  values: ArrayLike<number>;
}

/** A node attribute; the variant is chosen by which value field is present. */
export type OnnxAttributeValue =
  | { f: number } | { i: number } | { s: string } | { t: OnnxTensor }
  | { floats: ArrayLike<number> } | { ints: ArrayLike<number> } | { strings: string[] };

/** One operator application. */
export interface OnnxNode {
  opType: string;
  /** Operator set domain: '' for ai.onnx, 'ai.onnx.ml' for the ML operators. */
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttributeValue>;
}

/** A graph input or output: float or int64 tensor with fixed (number) or named (string) dimensions. */
export interface OnnxValueInfo {
  name: string;
  dataType: OnnxDataType;
  dims: (number | string)[];
  docString?: string;
}

/** A graph. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
}

/** A model: graph, operator sets and free-form metadata. */
export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
  graph: OnnxGraph;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_TENSOR = 4, ATTR_FLOATS = 6, ATTR_INTS = 7, ATTR_STRINGS = 8;

function writeTensor(w: ProtobufWriter, t: OnnxTensor): void {
  w.packedInts(1, t.dims); // dims
  w.int(2, t.dataType); // data_type
  w.string(8, t.name); // name
  let expected = 1;
  for (const d of t.dims) expected *= d;
  if (expected !== t.values.length) throw new RangeError(`tensor ${t.name}: dims ${t.dims.join('×')} need ${expected} values, got ${t.values.length}`);
  if (t.dataType === ONNX_FLOAT) {
    // raw_data: little-endian float32, the compact form every runtime reads.
    const raw = new Uint8Array(4 * t.values.length);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < t.values.length; i++) view.setFloat32(4 * i, t.values[i], true);
    w.bytesField(9, raw);
  } else {
    w.packedInts(7, t.values); // int64_data
  }
}

function writeAttribute(w: ProtobufWriter, name: string, value: OnnxAttributeValue): void {
  w.string(1, name);
  if ('f' in value) w.float(2, value.f).int(20, ATTR_FLOAT);
  else if ('i' in value) w.int(3, value.i).int(20, ATTR_INT);
  else if ('s' in value) w.string(4, value.s).int(20, ATTR_STRING);
  else if ('t' in value) w.message(5, (m) => writeTensor(m, value.t)).int(20, ATTR_TENSOR);
  else if ('floats' in value) w.packedFloats(7, value.floats).int(20, ATTR_FLOATS);
  else if ('ints' in value) w.packedInts(8, value.ints).int(20, ATTR_INTS);
  else {
    for (const s of value.strings) w.string(9, s);
    w.int(20, ATTR_STRINGS);
  }
}

function writeNode(w: ProtobufWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, value));
  if (node.domain) w.string(7, node.domain);
}

function writeValueInfo(w: ProtobufWriter, info: OnnxValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) => type.message(1, (tensor) => { // TypeProto.tensor_type
    tensor.int(1, info.dataType); // elem_type
    tensor.message(2, (shape) => { // TensorShapeProto
      for (const d of info.dims) {
        shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }
    });
  }));
  if (info.docString) w.string(3, info.docString);
}

function writeGraph(w: ProtobufWriter, g: OnnxGraph): void {
  for (const node of g.nodes) w.message(1, (m) => writeNode(m, node));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  if (g.docString) w.string(10, g.docString);
  for (const input of g.inputs) w.message(11, (m) => writeValueInfo(m, input));
  for (const output of g.outputs) w.message(12, (m) => writeValueInfo(m, output));
}

/** Encodes a model as ONNX protobuf bytes (a `.onnx` file). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtobufWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (m) => writeGraph(m, model.graph));
  for (const opset of model.opsets) w.message(8, (m) => m.string(1, opset.domain).int(2, opset.version));
  for (const [key, value] of Object.entries(model.metadata)) w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}
