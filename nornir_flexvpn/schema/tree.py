"""pyang tree diagrams of the subtrees a headend manages, per release.

pyang runs in a subprocess of the current interpreter over the repaired
module directory (its grouping expansion of Cisco-IOS-XE-native takes most
of a minute), and the rendered text is cached beside the repaired models,
keyed by everything that shapes it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.context import HEADEND_MODULES, is_submodule
from nornir_flexvpn.schema.repair import repaired_dir

# Where the payloads write, under Cisco-IOS-XE-native (augmented by the others).
MANAGED_TREE_PATHS: tuple[str, ...] = (
    "/native/aaa",
    "/native/username",
    "/native/ip/local",
    "/native/ip/access-list",
    "/native/ip/nat",
    "/native/ip/http",
    "/native/crypto/ikev2",
    "/native/crypto/ipsec",
    "/native/crypto/pki",
    "/native/crypto/vpn",
    "/native/interface/Loopback",
    "/native/interface/Virtual-Template",
    "/native/interface/GigabitEthernet",
)

# Modules that augment native's managed subtrees: loaded so their nodes show.
_AUGMENTING = (
    "Cisco-IOS-XE-aaa",
    "Cisco-IOS-XE-crypto",
    "Cisco-IOS-XE-nat",
    "Cisco-IOS-XE-acl",
    "Cisco-IOS-XE-http",
    "Cisco-IOS-XE-tunnel",
)

_PLUGIN_DIR = Path(__file__).with_name("pyang_plugins")
_TIMEOUT_S = 900


def _cache_file(search: Path, modules: list[str], paths: list[str], depth: int | None) -> Path:
    key = hashlib.sha256(repr((modules, paths, depth, _plugin_digest())).encode()).hexdigest()
    return search.parent / "trees" / f"{search.name}-{key[:20]}.txt"


def _plugin_digest() -> str:
    return hashlib.sha256((_PLUGIN_DIR / "flexvpn_tree.py").read_bytes()).hexdigest()


def _run_pyang(search: Path, files: list[Path], paths: list[str], depth: int | None) -> str:
    cmd = [
        sys.executable,
        "-c",
        "import sys; from pyang.scripts.pyang_tool import run; sys.argv[0] = 'pyang'; run()",
        "--plugindir",
        str(_PLUGIN_DIR),
        "-p",
        str(search),
        "-f",
        "flexvpn-tree",
    ]
    if depth is not None:
        cmd += ["--tree-depth", str(depth)]
    for path in paths:
        cmd += ["--flexvpn-tree-path", path]
    cmd += [str(f) for f in files]
    env = {k: v for k, v in os.environ.items() if k not in ("YANG_MODPATH", "PYANG_PLUGINPATH")}
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=_TIMEOUT_S, env=env, check=False
    )
    # pyang reports the models' many warnings on stderr and may exit 1 for them;
    # an empty diagram is the failure that matters.
    if not proc.stdout.strip():
        detail = proc.stderr.strip().splitlines()[-5:]
        raise SchemaError(f"pyang produced no tree: {' | '.join(detail)}", path=str(search))
    return proc.stdout


def render_tree(
    release: Release,
    *,
    module: str | None = None,
    paths: list[str] | None = None,
    depth: int | None = None,
    models_dir: Path | None = None,
) -> str:
    """The pyang tree of `module` (whole) or of native's managed subtrees (default)."""
    search = repaired_dir(release, models_dir)
    if module is not None:
        target = search / f"{module}.yang"
        if not target.is_file():
            raise SchemaError(f"module {module} is not published for {release.value}", path=module)
        modules = [module]
        chosen = list(paths or [])
    else:
        modules = ["Cisco-IOS-XE-native"] + [
            m for m in _AUGMENTING if m in HEADEND_MODULES and (search / f"{m}.yang").is_file()
        ]
        chosen = list(paths) if paths else list(MANAGED_TREE_PATHS)
    files = [search / f"{m}.yang" for m in modules if not is_submodule(search / f"{m}.yang")]
    cached = _cache_file(search, modules, chosen, depth)
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    text = _run_pyang(search, files, chosen, depth)
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".tree-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, cached)
    return text
