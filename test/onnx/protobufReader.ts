/** A minimal protobuf wire-format reader for tests: decodes fields so encoded ONNX models can be inspected. */

/** One decoded field: varints as bigint, fixed32/64 as raw bytes, length-delimited as bytes. */
export interface ProtoField {
  field: number;
  wire: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** Decodes one message level into its fields (in order). Throws on malformed input. */
export function readFields(data: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n, shift = 0n;
    for (;;) {
      if (i >= data.length) throw new Error('truncated varint');
      const b = data[i++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (i < data.length) {
    const key = Number(varint());
    const field = key >>> 3, wire = key & 7;
    if (wire === 0) out.push({ field, wire, varint: varint() });
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (i + n > data.length) throw new Error('truncated fixed field');
      out.push({ field, wire, bytes: data.subarray(i, i + n) });
      i += n;
    } else if (wire === 2) {
      const n = Number(varint());
      if (i + n > data.length) throw new Error('truncated length-delimited field');
      out.push({ field, wire, bytes: data.subarray(i, i + n) });
      i += n;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** Signed int64 of a varint field. */
export function int64(f: ProtoField): number {
  return Number(BigInt.asIntN(64, f.varint!));
}

/** Packed varints of a length-delimited field, as signed int64 numbers. */
export function packedInts(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let result = 0n, shift = 0n;
    for (;;) {
      const b = bytes[i++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7n;
    }
    values.push(Number(BigInt.asIntN(64, result)));
  }
  return values;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** ModelProto.metadata_props (field 14) as a record. */
export function onnxMetadata(model: Uint8Array): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const f of readFields(model)) {
    if (f.field !== 14) continue;
    const entry = readFields(f.bytes!);
    meta[text(entry.find((e) => e.field === 1)!.bytes!)] = text(entry.find((e) => e.field === 2)?.bytes ?? new Uint8Array());
  }
  return meta;
}

/** Operator types of the graph's nodes, in order. */
export function onnxOpTypes(model: Uint8Array): string[] {
  const graph = readFields(model).find((f) => f.field === 7)!;
  return readFields(graph.bytes!).filter((f) => f.field === 1).map((node) => text(readFields(node.bytes!).find((e) => e.field === 4)!.bytes!));
}
