"""The tile cache: tiles on disk under `DATASTORE_DIR/tiles/`, one folder per source version.

Layout: `tiles/<source>/<version>/source.parquet` (the tile source, see `tiles.py`) and
`tiles/<source>/<version>/<z>/<x>/<y>.mvt`, an empty file for an empty tile. A collection's
folder is `resource_12/l34-t1` (load 34, its first table): a new version of the resource
has a new load, hence a new folder, so a tile of the old version can never be served for
the new one; the old folders are removed when the new version's source is built.

The cache is bounded (`GEO_TILE_CACHE_MAX_BYTES`): each process keeps a running total of
what it wrote and, past the limit, looks at the whole folder and deletes the least
recently used tiles (file times; a hit touches its file) down to three quarters of it.
Tile sources are never pruned that way: they go with their version.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from django.conf import settings

from .tiles import Tile

_state = threading.Lock()
_written: dict[str, int | None] = {"bytes": None}


def root() -> Path:
    return settings.DATASTORE_DIR / "tiles"


def version_dir(source: str, version: str) -> Path:
    return root() / source / version


def drop_other_versions(source: str, version: str) -> None:
    """Remove the folders of `source`'s other versions (a new one is being served)."""
    folder = root() / source
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name != version and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def _tile_path(directory: Path, tile: Tile) -> Path:
    return directory / str(tile.z) / str(tile.x) / f"{tile.y}.mvt"


def read(directory: Path, tile: Tile) -> bytes | None:
    """The cached tile, or None on a miss."""
    path = _tile_path(directory, tile)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        os.utime(path)  # recently used: the last to be pruned
    except OSError:
        pass
    return data


def write(directory: Path, tile: Tile, data: bytes) -> None:
    path = _tile_path(directory, tile)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_bytes(data)
    os.replace(partial, path)
    _account(len(data) + 512)  # a file costs a little more than its bytes


def _tiles(base: Path):
    for folder, _dirs, names in os.walk(base):
        for name in names:
            if name.endswith(".mvt"):
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                yield stat.st_mtime, stat.st_size + 512, path


def _account(size: int) -> None:
    limit = settings.GEO_TILE_CACHE_MAX_BYTES
    with _state:
        if _written["bytes"] is None:
            _written["bytes"] = sum(s for _, s, _ in _tiles(root()))
        _written["bytes"] += size
        over = _written["bytes"] > limit
    if over:
        prune(limit * 3 // 4)


def prune(target_bytes: int) -> int:
    """Delete the least recently used tiles until the cache holds at most `target_bytes`;
    return how many bytes it now holds."""
    found = sorted(_tiles(root()))
    total = sum(size for _, size, _ in found)
    for _mtime, size, path in found:
        if total <= target_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
    with _state:
        _written["bytes"] = total
    return total
