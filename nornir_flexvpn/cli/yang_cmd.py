"""`flexvpn yang ...`: look at the models a release's payloads are checked against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nornir_flexvpn.releases import DEFAULT_RELEASE, Release

yang_app = typer.Typer(
    help="The IOS-XE YANG models per release: tree diagrams, manifests.",
    no_args_is_help=True,
)

ReleaseOption = Annotated[
    str, typer.Option("--release", "-r", help="IOS-XE release, e.g. 17.15.1.")
]
ModelsOption = Annotated[
    Path | None,
    typer.Option("--models-dir", help="Folder of per-release model folders (FLEXVPN_YANG_DIR)."),
]


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(yang_app, name="yang")


@yang_app.command("tree")
def tree(
    release: ReleaseOption = DEFAULT_RELEASE.value,
    module: Annotated[
        str | None,
        typer.Option(
            "--module", "-m", help="Print this whole module instead of native's subtrees."
        ),
    ] = None,
    path: Annotated[
        list[str] | None,
        typer.Option(
            "--path", "-p", help="Subtree to print (repeatable), e.g. /native/crypto/ikev2."
        ),
    ] = None,
    depth: Annotated[int | None, typer.Option("--depth", min=1, help="Levels to print.")] = None,
    models_dir: ModelsOption = None,
) -> None:
    """pyang tree of the subtrees a headend manages (slow the first time: pyang, ~1 min)."""
    from nornir_flexvpn.schema.tree import render_tree

    text = render_tree(
        Release.parse(release), module=module, paths=path, depth=depth, models_dir=models_dir
    )
    typer.echo(text, nl=False)


@yang_app.command("manifest")
def manifest(
    release: ReleaseOption = DEFAULT_RELEASE.value,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Write <DIR>/<release>.json instead of printing it."),
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option("--check", help="Compare with <DIR>/<release>.json; exit 1 on drift."),
    ] = None,
    models_dir: ModelsOption = None,
) -> None:
    """The modules and revisions the payloads of a release use."""
    from nornir_flexvpn.schema.manifest import (
        build_manifest,
        manifest_drift,
        manifest_text,
        write_manifest,
    )

    rel = Release.parse(release)
    if check is not None:
        drift = manifest_drift(rel, check, models_dir)
        for line in drift:
            typer.echo(line, err=True)
        if drift:
            raise typer.Exit(1)
        typer.echo(f"{rel.value}: manifest matches the models")
        return
    if write is not None:
        typer.echo(str(write_manifest(rel, write, models_dir)))
        return
    typer.echo(manifest_text(build_manifest(rel, models_dir)), nl=False)
