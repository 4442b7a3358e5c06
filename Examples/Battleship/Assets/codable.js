// Huddle's canonical encoding of Codable values (docs/writing-a-room.md), in
// the browser, driven by a schema that mirrors the Swift types:
//   'u8' 'u16' 'u32' 'u64' 'i8' 'i16' 'i32' 'bool' 'string'
//   { field: schema, … }      a struct (an optional field: optional(schema))
//   optional(s) array(s) dictionary(k, v) oneOf({ case: { label: schema } })
// An enum case decodes to { case: 'name', label: value, … }.

export const optional = (schema) => ({ optional: schema });
export const array = (schema) => ({ array: schema });
export const dictionary = (key, value) => ({ dictionary: [key, value] });
export const oneOf = (cases) => ({ oneOf: cases });

const WIDTHS = { u8: 1, u16: 2, u32: 4, u64: 8, i8: 1, i16: 2, i32: 4 };

export class Reader {
  constructor(bytes, start = 0, end = bytes.length) { this.bytes = bytes; this.at = start; this.end = end; }
  get atEnd() { return this.at >= this.end; }
  take(n) { if (this.at + n > this.end) throw new Error('truncated'); const at = this.at; this.at += n; return at; }
  u8() { return this.bytes[this.take(1)]; }
  uint(n) { const at = this.take(n); let v = 0; for (let i = n - 1; i >= 0; i--) v = v * 256 + this.bytes[at + i]; return v; }
  varint() {
    let v = 0, scale = 1;
    for (;;) { const b = this.u8(); v += (b & 0x7f) * scale; if (b < 0x80) return v; scale *= 128; }
  }
  string() { const n = this.varint(); const at = this.take(n); return new TextDecoder().decode(this.bytes.subarray(at, at + n)); }
  sub() { const n = this.varint(); const at = this.take(n); return new Reader(this.bytes, at, at + n); }
}

export function decode(schema, bytes) {
  const r = bytes instanceof Reader ? bytes : new Reader(new Uint8Array(bytes));
  return read(schema, r);
}

function read(schema, r) {
  if (typeof schema === 'string') {
    if (schema === 'bool') return r.u8() === 1;
    if (schema === 'string') return r.string();
    const n = WIDTHS[schema], v = r.uint(n);
    return schema[0] === 'i' && v >= 2 ** (8 * n - 1) ? v - 2 ** (8 * n) : v;
  }
  if (schema.optional) return r.u8() === 1 ? read(schema.optional, r) : null;
  if (schema.array) { const out = []; for (let n = r.varint(); n > 0; n--) out.push(read(schema.array, r)); return out; }
  if (schema.dictionary) {
    const out = new Map();
    for (let n = r.varint(); n > 0; n--) out.set(read(schema.dictionary[0], r), read(schema.dictionary[1], r));
    return out;
  }
  const fields = decodeFields(r);
  if (schema.oneOf) {
    const [name, payload] = [...fields][0];
    return { case: name, ...readStruct(schema.oneOf[name], decodeFields(payload)) };
  }
  return readStruct(schema, fields);
}

// A struct's fields; an optional field is left out when nil (no tag then).
function readStruct(schema, fields) {
  const out = {};
  for (const [key, type] of Object.entries(schema)) {
    const field = fields.get(key);
    if (type.optional) out[key] = field ? read(type.optional, field) : null;
    else if (field) out[key] = read(type, field);
    else throw new Error('missing field ' + key);
  }
  return out;
}

function decodeFields(r) {
  const fields = new Map();
  for (let n = r.varint(); n > 0; n--) { const key = r.string(); fields.set(key, r.sub()); }
  return fields;
}

class Writer {
  constructor() { this.out = []; }
  u8(v) { this.out.push(v & 0xff); }
  uint(v, n) { for (let i = 0; i < n; i++) { this.out.push(v % 256); v = Math.floor(v / 256); } }
  varint(v) { while (v >= 0x80) { this.out.push((v % 128) | 0x80); v = Math.floor(v / 128); } this.out.push(v); }
  bytes(b) { this.varint(b.length); this.out.push(...b); }
}

export function encode(schema, value) {
  const w = new Writer();
  write(schema, value, w);
  return new Uint8Array(w.out);
}

function write(schema, value, w) {
  if (typeof schema === 'string') {
    if (schema === 'bool') return w.u8(value ? 1 : 0);
    if (schema === 'string') return w.bytes([...new TextEncoder().encode(value)]);
    const n = WIDTHS[schema];
    return w.uint(value < 0 ? value + 2 ** (8 * n) : value, n);
  }
  if (schema.optional) { if (value == null) return w.u8(0); w.u8(1); return write(schema.optional, value, w); }
  if (schema.array) { w.varint(value.length); for (const v of value) write(schema.array, v, w); return; }
  if (schema.oneOf) return writeFields([[value.case, schema.oneOf[value.case], value]], w, true);
  writeFields(Object.entries(schema).map(([key, type]) => [key, type, value[key]]), w, false);
}

// Fields sorted by key bytes; a nil optional field left out; an enum case's
// payload is the struct of its values.
function writeFields(entries, w, isCase) {
  const fields = [];
  for (const [key, type, value] of entries) {
    const inner = new Writer();
    if (isCase) writeFields(Object.entries(type).map(([k, t]) => [k, t, value[k]]), inner, false);
    else if (type.optional) { if (value == null) continue; write(type.optional, value, inner); }
    else write(type, value, inner);
    fields.push([[...new TextEncoder().encode(key)], inner.out]);
  }
  fields.sort((a, b) => compareBytes(a[0], b[0]));
  w.varint(fields.length);
  for (const [key, bytes] of fields) { w.bytes(key); w.bytes(bytes); }
}

function compareBytes(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
