"""Install the front-end packages pinned by package-lock.json, without npm.

`make install` runs this instead of `npm ci` so that a fresh machine needs nothing but
Python: every package of the lock file is downloaded from the npm registry, checked against
the lock's `integrity` hash (the download is refused if it differs) and unpacked under
`node_modules/`, where Django's staticfiles finds the browser assets (MapLibre) and the
browser tests find axe-core. Packages' install scripts are never run, as with
`npm ci --ignore-scripts`.

Only the standard library is used: this runs before the virtualenv exists.

    python tools/npm_lock_install.py [--lock package-lock.json] [--dest node_modules]

The registry is https://registry.npmjs.org unless NPM_CONFIG_REGISTRY says otherwise (a
mirror). A package already unpacked at the locked version is not downloaded again.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")
TIMEOUT_SECONDS = 60


class InstallError(Exception):
    pass


def tarball_url(name: str, version: str) -> str:
    """The registry's address of a package's tarball (`@scope/pkg` → `.../pkg-1.0.0.tgz`)."""
    basename = name.rsplit("/", 1)[-1]
    return f"{REGISTRY}/{name}/-/{basename}-{version}.tgz"


def check_integrity(data: bytes, integrity: str, name: str) -> None:
    """Subresource-integrity check: one of the listed `algo-base64` hashes must match."""
    for token in integrity.split():
        algorithm, _, expected = token.partition("-")
        if algorithm not in ("sha512", "sha384", "sha256", "sha1"):
            continue
        digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        if digest == expected:
            return
    raise InstallError(f"{name}: the downloaded archive does not match package-lock.json "
                       f"(integrity {integrity[:30]}...); refusing to install it")


def download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise InstallError(f"cannot download {url}: {exc}") from exc


def unpack(data: bytes, target: Path) -> None:
    """Unpack an npm tarball (files under `package/`) into `target`, refusing any member
    that would land outside it."""
    staging = Path(tempfile.mkdtemp(prefix=".npm-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                if not (member.isfile() or member.isdir()):
                    continue  # no links or devices from a package
                parts = PurePosixPath(member.name).parts[1:]  # drop "package/"
                if not parts or ".." in parts or PurePosixPath(member.name).is_absolute():
                    continue
                destination = staging.joinpath(*parts)
                if member.isdir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(destination, "wb") as out:
                    shutil.copyfileobj(source, out)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def installed_version(folder: Path) -> str | None:
    try:
        return json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def install(lock_path: Path, root: Path) -> int:
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    if lock.get("lockfileVersion", 0) < 2:
        raise InstallError("package-lock.json must be lockfileVersion 2 or 3 (npm 7+)")
    count = 0
    # Parents before nested packages (node_modules/a before node_modules/a/node_modules/b).
    for key, package in sorted(lock.get("packages", {}).items(), key=lambda kv: kv[0].count("/")):
        if not key.startswith("node_modules/") or package.get("link"):
            continue
        name = key.rsplit("node_modules/", 1)[-1]
        version, integrity = package.get("version"), package.get("integrity")
        if not version or not integrity:
            raise InstallError(f"{key}: no version or integrity in package-lock.json")
        target = root / key.removeprefix("node_modules/")
        if installed_version(target) == version:
            continue
        data = download(package.get("resolved") or tarball_url(name, version))
        check_integrity(data, integrity, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        unpack(data, target)
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", default="package-lock.json", type=Path)
    parser.add_argument("--dest", default="node_modules", type=Path)
    args = parser.parse_args(argv)
    try:
        args.dest.mkdir(parents=True, exist_ok=True)
        count = install(args.lock, args.dest)
    except (InstallError, OSError, ValueError, tarfile.TarError) as exc:
        print(f"npm_lock_install: {exc}", file=sys.stderr)
        return 1
    print(f"npm_lock_install: {count} package(s) installed from {args.lock}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
