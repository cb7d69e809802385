"""A small reader of Mapbox Vector Tiles (spec 2.1) for the tests: protobuf wire format,
layers, features, their properties and geometry commands. Independent of DuckDB, so that
the tests check the tiles against the specification, not against the code that made them.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

GEOMETRY_TYPES = {0: "Unknown", 1: "Point", 2: "LineString", 3: "Polygon"}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes):
    """(field number, wire type, value) of a message; length-delimited values as bytes."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire} not in MVT")
        yield number, wire, value


def _packed(data: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        values.append(value)
    return values


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _value(data: bytes):
    for number, _wire, raw in _fields(data):
        if number == 1:
            return raw.decode()
        if number == 2:
            return struct.unpack("<f", raw)[0]
        if number == 3:
            return struct.unpack("<d", raw)[0]
        if number in (4, 5):
            return raw if raw < 2 ** 63 else raw - 2 ** 64
        if number == 6:
            return _zigzag(raw)
        if number == 7:
            return bool(raw)
    return None


def _rings(commands: list[int]) -> list[list[tuple[int, int]]]:
    """The geometry's point sequences (one per MoveTo), in tile coordinates."""
    parts: list[list[tuple[int, int]]] = []
    x = y = pos = 0
    while pos < len(commands):
        command, count = commands[pos] & 7, commands[pos] >> 3
        pos += 1
        if command == 7:  # ClosePath
            continue
        for _ in range(count):
            x += _zigzag(commands[pos])
            y += _zigzag(commands[pos + 1])
            pos += 2
            if command == 1:
                parts.append([])
            parts[-1].append((x, y))
    return parts


@dataclass
class Feature:
    id: int | None
    type: str
    properties: dict
    parts: list[list[tuple[int, int]]]


@dataclass
class Layer:
    name: str
    extent: int = 4096
    version: int = 1
    features: list[Feature] = field(default_factory=list)


def decode(tile: bytes) -> dict[str, Layer]:
    """The layers of a tile by name."""
    layers: dict[str, Layer] = {}
    for number, _wire, raw in _fields(tile):
        if number != 3:
            continue
        name, extent, version, keys, values, features = "", 4096, 1, [], [], []
        for n, _w, v in _fields(raw):
            if n == 1:
                name = v.decode()
            elif n == 2:
                features.append(v)
            elif n == 3:
                keys.append(v.decode())
            elif n == 4:
                values.append(_value(v))
            elif n == 5:
                extent = v
            elif n == 15:
                version = v
        layer = Layer(name, extent, version)
        for raw_feature in features:
            fid, kind, tags, geometry = None, 0, [], []
            for n, _w, v in _fields(raw_feature):
                if n == 1:
                    fid = v
                elif n == 2:
                    tags = _packed(v)
                elif n == 3:
                    kind = v
                elif n == 4:
                    geometry = _packed(v)
            properties = {keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags), 2)}
            layer.features.append(Feature(fid, GEOMETRY_TYPES[kind], properties,
                                          _rings(geometry)))
        layers[name] = layer
    return layers
