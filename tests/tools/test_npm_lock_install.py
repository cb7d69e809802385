"""tools/npm_lock_install.py: packages of the lock file, hash-checked, unpacked safely.

The "registry" is a local folder reached through file:// addresses (`resolved`), so the
tests need no network.
"""
import base64
import hashlib
import importlib.util
import io
import json
import tarfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "npm_lock_install.py"
spec = importlib.util.spec_from_file_location("npm_lock_install", SCRIPT)
npm_lock_install = importlib.util.module_from_spec(spec)
spec.loader.exec_module(npm_lock_install)


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def write_lock(tmp_path, packages: dict[str, tuple[bytes, str]]) -> Path:
    """packages: lock key → (tarball bytes, integrity to declare)."""
    entries = {"": {"name": "demo"}}
    for key, (data, declared) in packages.items():
        archive = tmp_path / (key.replace("/", "_") + ".tgz")
        archive.write_bytes(data)
        entries[key] = {"version": "1.0.0", "resolved": archive.as_uri(), "integrity": declared}
    lock = tmp_path / "package-lock.json"
    lock.write_text(json.dumps({"lockfileVersion": 3, "packages": entries}))
    return lock


def package(name: str, extra: dict[str, bytes] | None = None) -> bytes:
    files = {"package/package.json": json.dumps({"name": name, "version": "1.0.0"}).encode(),
             "package/dist/main.js": b"console.log(1)"}
    return tarball({**files, **(extra or {})})


def test_installs_packages_and_nested_ones(tmp_path):
    outer, inner = package("outer"), package("@scope/inner")
    lock = write_lock(tmp_path, {
        "node_modules/outer": (outer, integrity(outer)),
        "node_modules/outer/node_modules/@scope/inner": (inner, integrity(inner)),
    })
    dest = tmp_path / "node_modules"
    assert npm_lock_install.main(["--lock", str(lock), "--dest", str(dest)]) == 0
    assert (dest / "outer" / "dist" / "main.js").read_bytes() == b"console.log(1)"
    assert (dest / "outer" / "node_modules" / "@scope" / "inner" / "package.json").exists()
    # Already there at the locked version: nothing downloaded again.
    assert npm_lock_install.install(lock, dest) == 0


def test_refuses_an_archive_whose_hash_differs_and_keeps_the_installed_one(tmp_path, capsys):
    good = package("lib")
    dest = tmp_path / "node_modules"
    npm_lock_install.install(write_lock(tmp_path, {"node_modules/lib": (good, integrity(good))}),
                             dest)
    (dest / "lib" / "package.json").write_text('{"version": "0.9.0"}')  # an older install
    tampered = package("lib", {"package/dist/evil.js": b"steal()"})
    lock = write_lock(tmp_path, {"node_modules/lib": (tampered, integrity(good))})
    assert npm_lock_install.main(["--lock", str(lock), "--dest", str(dest)]) == 1
    assert "does not match package-lock.json" in capsys.readouterr().err
    assert not (dest / "lib" / "dist" / "evil.js").exists()
    assert (dest / "lib" / "dist" / "main.js").exists()


def test_members_outside_the_package_and_links_are_not_unpacked(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in ("package/ok.js", "package/../../escape.js", "/abs.js"):
            info = tarfile.TarInfo(name)
            info.size = 1
            archive.addfile(info, io.BytesIO(b"x"))
        link = tarfile.TarInfo("package/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    data = buffer.getvalue()
    dest = tmp_path / "deep" / "node_modules"
    lock = write_lock(tmp_path, {"node_modules/bad": (data, integrity(data))})
    assert npm_lock_install.main(["--lock", str(lock), "--dest", str(dest)]) == 0
    assert (dest / "bad" / "ok.js").exists()
    assert not (dest / "bad" / "link").exists()
    assert not (tmp_path / "escape.js").exists() and not (tmp_path / "deep" / "escape.js").exists()


def test_an_old_lock_file_is_refused(tmp_path, capsys):
    lock = tmp_path / "package-lock.json"
    lock.write_text(json.dumps({"lockfileVersion": 1, "dependencies": {}}))
    assert npm_lock_install.main(["--lock", str(lock), "--dest", str(tmp_path / "nm")]) == 1
    assert "lockfileVersion" in capsys.readouterr().err


def test_the_registry_address_of_scoped_and_plain_packages():
    assert npm_lock_install.tarball_url("maplibre-gl", "5.0.0").endswith(
        "/maplibre-gl/-/maplibre-gl-5.0.0.tgz")
    assert npm_lock_install.tarball_url("@mapbox/point-geometry", "1.1.0").endswith(
        "/@mapbox/point-geometry/-/point-geometry-1.1.0.tgz")


@pytest.mark.parametrize("declared", ["sha1-AAAA", "md5-xyz", ""])
def test_unknown_or_wrong_hashes_are_refused(declared):
    with pytest.raises(npm_lock_install.InstallError):
        npm_lock_install.check_integrity(b"data", declared, "pkg")
