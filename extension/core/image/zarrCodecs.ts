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

/**
 * Walks the zstd frames of `bytes` (headers and block headers only): each must be complete, state at most `bound`
 * bytes in total, and nothing may follow the last one. numcodecs' decoder spins forever on a truncated frame after
 * a complete one, so it only ever sees whole frames.
 */
export function checkZstdFrames(bytes: Bytes, bound: number): void {
  let at = 0;
  let total = 0;
  const need = (n: number) => { if (at + n > bytes.length) throw new Error('zstd frame is truncated'); };
  do {
    need(4);
    const magic = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
    if ((magic & 0xfffffff0) === 0x184d2a50) { // skippable frame
      need(8);
      at += 8 + ((bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0);
      need(0);
      continue;
    }
    if (magic !== 0xfd2fb528) throw new Error(at === 0 ? 'not a zstd frame (bad magic number)' : 'unexpected bytes after the zstd frame');
    need(5);
    const descriptor = bytes[at + 4];
    const fcsFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const checksum = (descriptor >> 2) & 1;
    if (descriptor & 0x08) throw new Error('zstd frame header has its reserved bit set');
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
    at += 5 + (singleSegment ? 0 : 1) + dictionaryBytes;
    need(fcsBytes);
    if (fcsBytes > 0) {
      let size = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + bytes[at + i];
      if (fcsBytes === 2) size += 256;
      total += size;
      if (total > bound) throw new Error(`zstd frame claims ${total} bytes, more than the chunk's ${bound}`);
    }
    at += fcsBytes;
    for (let last = 0; !last;) {
      need(3);
      const header = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
      last = header & 1;
      const type = (header >> 1) & 3;
      if (type === 3) throw new Error('zstd block of the reserved type');
      at += 3 + (type === 1 ? 1 : header >>> 3);
      need(0);
    }
    at += checksum ? 4 : 0;
    need(0);
  } while (at < bytes.length);
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
  const zstd = checkedCodec(async () => (await import('numcodecs/zstd')).default as unknown as WasmCodecClass, checkZstdFrames);
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
