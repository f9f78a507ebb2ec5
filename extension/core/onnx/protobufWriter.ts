/**
 * A minimal protocol-buffers encoder (wire format only): varints, 32/64-bit fixed, length-delimited fields
 * and packed repeated scalars. Enough to write ONNX models without a protobuf library.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growing byte buffer; {@link finish} returns the bytes. */
export class ProtobufWriter {
  private bytes = new Uint8Array(256);
  private length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  /** An unsigned varint (non-negative safe integer). */
  private uvarint(value: number): void {
    if (!(value >= 0) || !Number.isSafeInteger(value)) throw new RangeError(`protobuf varint needs a non-negative safe integer, got ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** A signed int64/int32 as protobuf does it: negative numbers are ten-byte two's complement varints. */
  private svarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf int64 needs a safe integer, got ${value}`);
    if (value >= 0) { this.uvarint(value); return; }
    let v = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.uvarint(field * 8 + wire);
  }

  /** Field of type int32/int64/enum/bool. */
  int(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.svarint(value);
    return this;
  }

  /** Field of type float (fixed32). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.scratch.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.byte(this.scratch.getUint8(i));
    return this;
  }

  /** Field of type double (fixed64). */
  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    this.scratch.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.byte(this.scratch.getUint8(i));
    return this;
  }

  /** Field of type bytes or an embedded message already encoded. */
  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LENGTH);
    this.uvarint(data.length);
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** Field of type string (UTF-8). */
  string(field: number, text: string): this {
    return this.bytesField(field, utf8.encode(text));
  }

  /** Embedded message written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    write(inner);
    return this.bytesField(field, inner.finish());
  }

  /** Packed repeated int32/int64 (nothing is written for an empty list). */
  packedInts(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const inner = new ProtobufWriter();
    for (let i = 0; i < values.length; i++) inner.svarint(values[i]);
    return this.bytesField(field, inner.finish());
  }

  /** Packed repeated float (nothing is written for an empty list). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const data = new Uint8Array(4 * values.length);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
    return this.bytesField(field, data);
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
