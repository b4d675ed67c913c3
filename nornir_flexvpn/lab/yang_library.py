"""ietf-yang-library `modules-state`, as the platform publishes it.

From 17.12 the hello of IOS-XE names no Cisco-IOS-XE module; clients learn
what the device implements from `<get>` of modules-state. The release
folders hold each platform's real reply (`yang-set-<platform>.xml`), so the
lab serves exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.namespaces import YANG_LIBRARY, qn

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


@lru_cache(maxsize=32)
def _published(path: Path) -> etree._Element | None:
    if not path.is_file():
        return None
    raw = path.read_bytes()
    # The published 17.18.1 yang-set files begin with a stray line of the
    # collecting tool's output ("Failed to connect to localhost: ...") before
    # the XML declaration: cut exactly that, parse the rest strictly.
    start = raw.find(b"<?xml")
    if start > 0 and b"<" not in raw[:start]:
        raw = raw[start:]
    root = etree.fromstring(raw, _PARSER)
    return root.find(f".//{qn(YANG_LIBRARY, 'modules-state')}")


def yang_library_provider(
    release_folder: Path, platform: str
) -> Callable[[LabDevice], list[etree._Element]]:
    """A state provider for LabDevice.register_state (nothing where the
    platform publishes no yang-set, e.g. 16.9.1)."""
    path = release_folder / f"yang-set-{platform}.xml"

    def provide(device: LabDevice) -> list[etree._Element]:
        found = _published(path)
        return [deepcopy(found)] if found is not None else []

    return provide
