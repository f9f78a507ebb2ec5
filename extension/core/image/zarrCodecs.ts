/**
 * The decoders zarrita uses for our reads, with hard bounds: a chunk never decodes to more bytes than its shape
 * holds, whatever its compressed bytes claim (a zip bomb or a corrupt header gives an error, not gigabytes).
 * gzip/zlib decode with fflate (streaming, stopped at the bound) instead of zarrita's DecompressionStream, which
 * has no bound; blosc and zstd headers are checked before their WebAssembly decoders see them.
 */
import { Gunzip, Unzlib } from 'fflate';

/** zarrita, loaded on first use: it is an ES module only, which CommonJS callers (tsx scripts) cannot `require`. */
export type Zarrita = typeof import('zarrita');
let zarrita: Promise<Zarrita> | undefined;

/** zarrita with our bounded decoders registered. */
export function loadZarrita(): Promise<Zarrita> {
  zarrita ??= import('zarrita').then((module) => { registerBoundedCodecs(module); return module; });
  return zarrita;
}

type Bytes = Uint8Array;
interface ChunkMeta { dataType: string; shape: number[] }

const BYTES_PER_ELEMENT: Record<string, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, float16: 2, int32: 4, uint32: 4, float32: 4, int64: 8, uint64: 8, float64: 8,
};

/** The most bytes a chunk of `meta` can decode to (its elements × the widest sample). */
export function decodedBound(meta: ChunkMeta | undefined): number {
  const elements = (meta?.shape ?? []).reduce((a, b) => a * b, 1);
  return elements * (BYTES_PER_ELEMENT[meta?.dataType ?? ''] ?? 8);
}

/** Inflates with fflate, throwing as soon as the output passes `bound` bytes. */
function inflateBounded(bytes: Bytes, bound: number, format: 'gzip' | 'zlib'): Bytes {
  const parts: Bytes[] = [];
  let total = 0;
  const onData = (part: Bytes) => {
    total += part.length;
    if (total > bound) throw new Error(`${format} data inflates to more than the chunk's ${bound} bytes`);
    parts.push(part);
  };
  const stream = format === 'gzip' ? new Gunzip(onData) : new Unzlib(onData);
  stream.push(bytes, true);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

function inflateCodec(format: 'gzip' | 'zlib') {
  return class {
    readonly kind = 'bytes_to_bytes';
    constructor(private readonly bound: number) {}
    static fromConfig(_config: unknown, meta: ChunkMeta) { return new this(decodedBound(meta)); }
    encode(): Bytes { throw new Error(`${format} encoding is not supported by the reader`); }
    decode(bytes: Bytes): Bytes { return inflateBounded(bytes, this.bound, format); }
  };
}

/** Checks a blosc header: the size it claims fits the chunk and the compressed size fits the data. */
export function checkBloscHeader(bytes: Bytes, bound: number): void {
  if (bytes.length < 16) throw new Error(`blosc data of ${bytes.length} bytes is shorter than its 16-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nbytes = view.getUint32(4, true);
  const cbytes = view.getUint32(12, true);
  if (nbytes > bound) throw new Error(`blosc header claims ${nbytes} bytes, more than the chunk's ${bound}`);
  if (cbytes > bytes.length) throw new Error(`blosc header claims ${cbytes} compressed bytes, but the chunk has ${bytes.length}`);
}

/** Checks a zstd frame header: the magic number, and the content size (when stated) fits the chunk. */
export function checkZstdHeader(bytes: Bytes, bound: number): void {
  if (bytes.length < 6 || bytes[0] !== 0x28 || bytes[1] !== 0xb5 || bytes[2] !== 0x2f || bytes[3] !== 0xfd) {
    throw new Error('not a zstd frame (bad magic number)');
  }
  const descriptor = bytes[4];
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryBytes;
  if (fcsBytes === 0) return;
  if (bytes.length < at + fcsBytes) throw new Error('zstd frame header is truncated');
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + bytes[at + i];
  if (fcsBytes === 2) size += 256;
  if (size > bound) throw new Error(`zstd frame claims ${size} bytes, more than the chunk's ${bound}`);
}

interface WasmCodec { decode(bytes: Bytes): Promise<Bytes> }
type WasmCodecClass = { fromConfig(config: unknown): WasmCodec };

function checkedCodec(load: () => Promise<WasmCodecClass>, check: (bytes: Bytes, bound: number) => void) {
  return async () => {
    const Inner = await load();
    return class {
      readonly kind = 'bytes_to_bytes';
      constructor(private readonly inner: WasmCodec, private readonly bound: number) {}
      static fromConfig(config: unknown, meta: ChunkMeta) { return new this(Inner.fromConfig(config ?? {}), decodedBound(meta)); }
      encode(): Bytes { throw new Error('encoding is not supported by the reader'); }
      async decode(bytes: Bytes): Promise<Bytes> {
        check(bytes, this.bound);
        const out = await this.inner.decode(bytes);
        if (out.length > this.bound) throw new Error(`decodes to ${out.length} bytes, more than the chunk's ${this.bound}`);
        return out;
      }
    };
  };
}

/** Replaces zarrita's gzip/zlib/blosc/zstd decoders (v3 names and numcodecs v2 names) by the bounded ones. */
function registerBoundedCodecs({ registry }: Zarrita): void {
  const gzip = inflateCodec('gzip');
  const zlib = inflateCodec('zlib');
  const blosc = checkedCodec(async () => (await import('numcodecs/blosc')).default as unknown as WasmCodecClass, checkBloscHeader);
  const zstd = checkedCodec(async () => (await import('numcodecs/zstd')).default as unknown as WasmCodecClass, checkZstdHeader);
  const table = registry as unknown as Map<string, () => unknown>;
  for (const prefix of ['', 'numcodecs.']) {
    table.set(`${prefix}gzip`, () => gzip);
    table.set(`${prefix}zlib`, () => zlib);
    table.set(`${prefix}blosc`, blosc);
    table.set(`${prefix}zstd`, zstd);
  }
}

/** Whether zarrita (with our registrations) can decode codec `name` (v3 name, or `numcodecs.<id>` for v2). */
export function canDecode(module: Zarrita, name: string): boolean {
  return (module.registry as unknown as Map<string, unknown>).has(name);
}
