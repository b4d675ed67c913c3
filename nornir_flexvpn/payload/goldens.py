"""The text forms of a payload that goldens, `flexvpn render` and tests compare.

`payloads/<release>/<host>.xml` is the pretty-printed `<config>`;
`payloads/<release>/<host>.cli.txt` lists the CLI items, each preceded by a
`!` comment with its area and reason. Both are built with PlaceholderSecrets,
so goldens never hold a secret and are the same bytes on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from lxml import etree
from pydantic import ValidationError

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.redacted import PlaceholderSecrets
from nornir_flexvpn.payload.types import CliItem, Payload
from nornir_flexvpn.releases import Release

XML_SUFFIX = ".xml"
CLI_SUFFIX = ".cli.txt"


def xml_text(config: etree._Element) -> str:
    """Pretty-printed XML, newline-terminated."""
    return etree.tostring(config, pretty_print=True, encoding="unicode")


def cli_items_text(items: Iterable[CliItem]) -> str:
    """One block per item: `! area: reason`, then the item's mode lines and line."""
    blocks = [f"! {item.area}: {item.reason}\n{item.text}\n" for item in items]
    return "".join(blocks)


def golden_payload(intent: FlexVpnIntent, release: Release) -> Payload:
    return build_payload(intent, release, PlaceholderSecrets())


def golden_paths(out_dir: Path, release: Release, host: str) -> tuple[Path, Path]:
    folder = out_dir / release.value
    return folder / f"{host}{XML_SUFFIX}", folder / f"{host}{CLI_SUFFIX}"


def write_goldens(
    intents: dict[str, FlexVpnIntent], out_dir: Path, releases: Iterable[Release] = tuple(Release)
) -> list[Path]:
    """Write every host's goldens for every release; returns the files written."""
    written: list[Path] = []
    for release in releases:
        for host, intent in sorted(intents.items()):
            payload = golden_payload(intent, release)
            xml_path, cli_path = golden_paths(out_dir, release, host)
            xml_path.parent.mkdir(parents=True, exist_ok=True)
            xml_path.write_text(xml_text(payload.config), encoding="utf-8")
            cli_path.write_text(cli_items_text(payload.cli), encoding="utf-8")
            written += [xml_path, cli_path]
    return written


# --- test cases: tests/payload/cases/<case>.yaml -> <case>.<release>.xml -------------------------
def case_intent(path: Path) -> FlexVpnIntent:
    """The intent a case file holds (a `flexvpn:` mapping; defaults are the seed's)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return FlexVpnIntent.model_validate(data)
    except ValidationError as exc:
        raise IntentError(
            f"invalid case intent: {exc.errors()[0]['msg']}", path=path.name
        ) from None


def case_golden_path(case: Path, release: Release) -> Path:
    return case.with_name(f"{case.stem}.{release.value}{XML_SUFFIX}")


def write_case_goldens(cases_dir: Path, releases: Iterable[Release] = tuple(Release)) -> list[Path]:
    """Write `<case>.<release>.xml` for every `<case>.yaml` in `cases_dir`."""
    written: list[Path] = []
    for case in sorted(cases_dir.glob("*.yaml")):
        intent = case_intent(case)
        for release in releases:
            target = case_golden_path(case, release)
            target.write_text(xml_text(golden_payload(intent, release).config), encoding="utf-8")
            written.append(target)
    return written
