"""The lock files: every Python package pinned with its hashes, in step with the .in files."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(filename: str) -> dict[str, tuple[str, frozenset[str]]]:
    """package -> (version, hashes), read from a file written by `make lock`."""
    text = (ROOT / filename).read_text(encoding="utf-8").replace("\\\n", " ")
    packages = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)", line)
        assert match, f"{filename}: not pinned with hashes: {line}"
        name, version, hashes = match.groups()
        packages[canonical(name)] = (version, frozenset(hashes.split()))
    return packages


def direct(filename: str) -> dict[str, str]:
    """package -> version pinned in a requirements*.in file (its -r/-c lines aside)."""
    pins = {}
    for line in (ROOT / filename).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split("==")
            pins[canonical(name.split("[", 1)[0])] = version  # « django-storages[s3] »: the package
    return pins


def test_every_package_is_pinned_with_its_hashes():
    assert "django" in locked("requirements.txt")
    assert "pip-audit" in locked("requirements-dev.txt")


def test_the_lock_files_follow_the_direct_dependencies():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    for name, version in direct("requirements.in").items():
        assert runtime.get(name, ("absent",))[0] == version, f"requirements.txt: {name} (make lock)"
    for name, version in direct("requirements-dev.in").items():
        assert dev.get(name, ("absent",))[0] == version, f"requirements-dev.txt: {name} (make lock)"


def test_the_development_lock_installs_the_same_runtime_files():
    dev = locked("requirements-dev.txt")
    for name, pinned in locked("requirements.txt").items():
        assert dev.get(name) == pinned, f"{name}: requirements-dev.txt differs from requirements.txt (make lock)"
