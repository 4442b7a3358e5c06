// The room protocol's binary primitives (docs/room-protocol.md, "Binary
// layouts"): little-endian integers, LEB128 varints, zigzag, length-prefixed
// strings, point arrays. Every codec of the SDK reads and writes through
// these two classes, so there is one implementation of each rule.
import { RoomError } from './errors.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * Reads the protocol's primitives from bytes; every read past the end
 * throws a `RoomError` with code `truncated` (a decoder never reads garbage).
 *
 * @example
 * const r = new Reader(bytes);
 * const tag = r.u8(), id = r.varint();
 */
export class Reader {
  /** @param {Uint8Array | ArrayBuffer | ArrayBufferView} bytes */
  constructor(bytes) {
    this.bytes = asBytes(bytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.offset = 0;
  }

  /** True once every byte was read. */
  get atEnd() { return this.offset >= this.bytes.length; }

  need(n) {
    if (this.offset + n > this.bytes.length) throw new RoomError('truncated', `needs ${n} more byte(s) at offset ${this.offset}`);
  }

  u8() { this.need(1); return this.bytes[this.offset++]; }
  i8() { const v = this.u8(); return v > 127 ? v - 256 : v; }
  u16() { this.need(2); const v = this.view.getUint16(this.offset, true); this.offset += 2; return v; }
  u32() { this.need(4); const v = this.view.getUint32(this.offset, true); this.offset += 4; return v; }
  i32() { this.need(4); const v = this.view.getInt32(this.offset, true); this.offset += 4; return v; }

  /** A u64 as two 32-bit halves `{ hi, lo }` (no BigInt on the hot path). */
  u64() { const lo = this.u32(); const hi = this.u32(); return { hi, lo }; }

  /** An unsigned LEB128 varint; exact up to 2^53 (ticks and sequences stay far below). */
  varint() {
    let result = 0, scale = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 56) throw new RoomError('malformed', 'varint longer than 8 bytes');
    }
  }

  zigzag() { const v = this.varint(); return v % 2 === 0 ? v / 2 : -(v + 1) / 2; }

  /** `n` bytes, as a view into the input (no copy). */
  raw(n) { this.need(n); const out = this.bytes.subarray(this.offset, this.offset + n); this.offset += n; return out; }
  lengthPrefixed() { return this.raw(this.varint()); }

  string() {
    try { return utf8Decoder.decode(this.lengthPrefixed()); } catch (error) {
      if (error instanceof RoomError) throw error;
      throw new RoomError('malformed', 'a string is not UTF-8');
    }
  }

  point() { return { x: this.u16(), y: this.u16() }; }

  /** `varint n, n × (u16 x, u16 y)`. */
  points() {
    const n = this.varint();
    this.need(n * 4);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.point();
    return out;
  }

  /** Throws `malformed` unless every byte was read (the server refuses trailing bytes too). */
  end() { if (!this.atEnd) throw new RoomError('malformed', `${this.bytes.length - this.offset} trailing byte(s)`); }
}

/**
 * Writes the protocol's primitives; each checks its value's range and throws
 * a `RoomError` with code `outOfRange` instead of writing a wrapped number.
 *
 * @example
 * const bytes = new Writer().u8(0x01).u16(x).u16(y).done();
 */
export class Writer {
  constructor() { this.bytes = []; }
  u8(v) { check(v, 0, 0xff, 'u8'); this.bytes.push(v); return this; }
  i8(v) { check(v, -128, 127, 'i8'); this.bytes.push(v & 0xff); return this; }
  u16(v) { check(v, 0, 0xffff, 'u16'); this.bytes.push(v & 0xff, v >>> 8); return this; }
  u32(v) { check(v, 0, 0xffffffff, 'u32'); this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24); return this; }
  varint(v) {
    check(v, 0, Number.MAX_SAFE_INTEGER, 'varint');
    while (v >= 0x80) { this.bytes.push((v % 128) | 0x80); v = Math.floor(v / 128); }
    this.bytes.push(v);
    return this;
  }
  string(s) {
    const bytes = utf8Encoder.encode(s);
    this.varint(bytes.length);
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  point(p) { return this.u16(p.x).u16(p.y); }
  points(points) { this.varint(points.length); for (const p of points) this.point(p); return this; }
  /** The bytes written, as a fresh `Uint8Array`. */
  done() { return new Uint8Array(this.bytes); }
}

/**
 * Any binary value Socket.IO hands over (an `ArrayBuffer` in browsers and
 * Node's WebSocket, a `Uint8Array` or Node `Buffer` otherwise) as a
 * `Uint8Array` over the same memory.
 *
 * @param {ArrayBuffer | ArrayBufferView} value
 * @returns {Uint8Array}
 */
export function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new RoomError('badRequest', 'expected binary data (ArrayBuffer or a typed array)');
}

function check(v, min, max, what) {
  if (!Number.isInteger(v) || v < min || v > max) throw new RoomError('outOfRange', `${what} out of range: ${v}`);
}
