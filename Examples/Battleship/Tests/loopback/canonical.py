"""Huddle's canonical encoding of Codable values (docs/writing-a-room.md) in
Python, for the loopback test: the same schema language as the page's
codable.js. Schemas: 'u8' 'u16' 'u32' 'u64' 'bool' 'string', a dict (a
struct; an Optional field may be left out), ('optional', s), ('array', s),
('dictionary', k, v), ('oneOf', {case: struct}). An enum case decodes to a
dict with 'case'."""
import struct

WIDTHS = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}


class Reader:
    def __init__(self, data, start=0, end=None):
        self.data = data
        self.at = start
        self.end = len(data) if end is None else end

    def take(self, n):
        if self.at + n > self.end:
            raise ValueError("truncated")
        self.at += n
        return self.data[self.at - n:self.at]

    def u8(self):
        return self.take(1)[0]

    def varint(self):
        value, shift = 0, 0
        while True:
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    def string(self):
        return self.take(self.varint()).decode("utf-8")

    def sub(self):
        n = self.varint()
        start = self.at
        self.take(n)
        return Reader(self.data, start, start + n)

    @property
    def at_end(self):
        return self.at >= self.end


def decode(schema, reader):
    if isinstance(schema, str):
        if schema == "bool":
            return reader.u8() == 1
        if schema == "string":
            return reader.string()
        return int.from_bytes(reader.take(WIDTHS[schema]), "little")
    if isinstance(schema, tuple):
        kind = schema[0]
        if kind == "optional":
            return decode(schema[1], reader) if reader.u8() == 1 else None
        if kind == "array":
            return [decode(schema[1], reader) for _ in range(reader.varint())]
        if kind == "dictionary":
            return {decode(schema[1], reader): decode(schema[2], reader) for _ in range(reader.varint())}
        if kind == "oneOf":
            fields = _fields(reader)
            (name, payload), = fields.items()
            return {"case": name, **_struct(schema[1][name], _fields(payload))}
    return _struct(schema, _fields(reader))


def _fields(reader):
    fields = {}
    for _ in range(reader.varint()):
        key = reader.string()
        fields[key] = reader.sub()
    return fields


def _struct(schema, fields):
    out = {}
    for key, kind in schema.items():
        if isinstance(kind, tuple) and kind[0] == "optional":
            out[key] = decode(kind[1], fields[key]) if key in fields else None
        else:
            out[key] = decode(kind, fields[key])
    if set(fields) - set(schema):
        raise ValueError(f"unknown fields {set(fields) - set(schema)}")
    return out


def _varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key_value(key, value_bytes):
    raw = key.encode()
    return _varint(len(raw)) + raw + _varint(len(value_bytes)) + value_bytes


def encode_fields(fields):
    """A struct from already encoded field values {key: bytes}."""
    ordered = sorted(fields.items(), key=lambda item: item[0].encode())
    return _varint(len(ordered)) + b"".join(_key_value(k, v) for k, v in ordered)


def encode_case(name, fields=None):
    """An enum case: {name: {fields}}."""
    return encode_fields({name: encode_fields(fields or {})})


def u8(value):
    return struct.pack("<B", value)
