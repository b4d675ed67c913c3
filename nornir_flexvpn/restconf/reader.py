"""NETCONF-shaped reads over RESTCONF, for the plan engine and the checks.

`RestconfReader.get_config(source, filter)` and `get(filter)` return the
`<data>` element a NETCONF `<get-config>`/`<get>` with that subtree filter
would: the filter is turned into the RESTCONF resources it selects (a list
entry named by its keys is one GET; the leaves a container selects are one
GET with `fields=`), and the JSON replies are merged by libyang into one
tree and printed as XML. The engine then runs unchanged on either transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from nornir_flexvpn.errors import RefusedError
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.netconf.options import Datastore, Filter, WithDefaultsMode, XPathFilter
from nornir_flexvpn.releases import Release
from nornir_flexvpn.restconf import codec
from nornir_flexvpn.restconf.client import Content, RestconfClient
from nornir_flexvpn.restconf.codec import JsonDoc
from nornir_flexvpn.restconf.paths import ApiPath, Step
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex, SchemaNodeInfo

_LEAFY = (NodeKind.LEAF, NodeKind.LEAF_LIST, NodeKind.ANYXML, NodeKind.ANYDATA)


@dataclass(frozen=True)
class Resource:
    """One GET: the resource, and the `fields` it selects (None: all of it)."""

    path: ApiPath
    fields: str | None = None


class RestconfReader:
    """Reads a headend over RESTCONF with the NetconfConnection read methods."""

    def __init__(
        self, client: RestconfClient, release: Release, models_dir: Path | None = None
    ) -> None:
        self.client = client
        self.release = release
        self.models_dir = models_dir
        self.index = SchemaIndex.for_release(release, models_dir)

    @property
    def host(self) -> str:
        return self.client.host

    def get_config(
        self,
        source: Datastore = "running",
        filter: Filter | None = None,
        with_defaults: WithDefaultsMode | None = None,
    ) -> etree._Element:
        """The `<data>` of running's configuration (RESTCONF has no other datastore)."""
        if source != "running":
            raise RefusedError(
                f"RESTCONF reads only the running datastore, not {source}", path="source"
            )
        return self._read("config", filter, with_defaults)

    def get(
        self, filter: Filter | None = None, with_defaults: WithDefaultsMode | None = None
    ) -> etree._Element:
        """The `<data>` of configuration and state."""
        return self._read("all", filter, with_defaults)

    def resources(self, filter: Filter) -> list[Resource]:
        """The GETs that together return what the subtree filter selects."""
        if isinstance(filter, XPathFilter):
            raise RefusedError(
                "an xpath filter cannot be read over RESTCONF; use a subtree filter",
                path="filter",
            )
        nodes = _filter_children(filter)
        out: list[Resource] = []
        for node in nodes:
            self._walk(node, ApiPath(), None, out)
        return out

    def _read(
        self, content: Content, filter: Filter | None, with_defaults: WithDefaultsMode | None
    ) -> etree._Element:
        state = content != "config"
        if filter is None:
            doc = self.client.get_data(content=content, with_defaults=with_defaults)
            parts: list[tuple[ApiPath, JsonDoc]] = [(ApiPath(), doc or {})]
        else:
            parts = []
            for resource in self.resources(filter):
                reply = self.client.get_data(
                    resource.path,
                    content=content,
                    fields=resource.fields,
                    with_defaults=with_defaults,
                )
                if reply:
                    parts.append((resource.path.parent, reply))
        roots = codec.assemble(self.release, parts, state=state, models_dir=self.models_dir)
        data = etree.Element(qn(NC, "data"), nsmap={None: NC})  # type: ignore[dict-item]
        for root in roots:
            data.append(root)
        return data

    def _walk(
        self,
        node: etree._Element,
        parent_path: ApiPath,
        parent: SchemaNodeInfo | None,
        out: list[Resource],
    ) -> None:
        qname = etree.QName(node)
        namespace, name = qname.namespace or "", qname.localname
        info = (
            self.index.root(namespace, name)
            if parent is None
            else self.index.child(parent, namespace, name)
        )
        if info is None:
            raise RefusedError(f"the filter names {name!r}, which no model has here", path=name)
        kids = [c for c in node if isinstance(c.tag, str)]
        if info.kind is NodeKind.LIST:
            given = {etree.QName(c).localname: (c.text or "").strip() for c in kids}
            if not info.keys or not all(k in given for k in info.keys):
                out.append(Resource(parent_path.child(Step(info.module, name))))
                return
            step = Step(info.module, name, tuple((k, given[k]) for k in info.keys), entry=True)
            rest = [c for c in kids if etree.QName(c).localname not in info.keys]
            self._container(parent_path.child(step), info, rest, out)
            return
        if info.kind in _LEAFY:
            out.append(Resource(parent_path.child(Step(info.module, name))))
            return
        self._container(parent_path.child(Step(info.module, name)), info, kids, out)

    def _container(
        self,
        path: ApiPath,
        info: SchemaNodeInfo,
        kids: list[etree._Element],
        out: list[Resource],
    ) -> None:
        if not kids:
            out.append(Resource(path))  # a selection node: all of it
            return
        leaves: list[str] = []
        for kid in kids:
            qname = etree.QName(kid)
            child = self.index.child(info, qname.namespace or "", qname.localname)
            if child is None:
                raise RefusedError(
                    f"the filter names {qname.localname!r}, which no model has under {path}",
                    path=str(path),
                )
            if child.kind in _LEAFY:
                name = (
                    qname.localname
                    if child.module == info.module
                    else f"{child.module}:{qname.localname}"
                )
                if name not in leaves:
                    leaves.append(name)
            else:
                self._walk(kid, path, info, out)
        if leaves:
            # Keys come along, or the entry could not be told from its siblings.
            keys = [k for k in info.keys if k not in leaves] if info.kind is NodeKind.LIST else []
            out.append(Resource(path, ";".join([*keys, *leaves])))


def _filter_children(spec: etree._Element) -> list[etree._Element]:
    if spec.tag == qn(NC, "filter"):
        kind = spec.get("type") or spec.get(qn(NC, "type")) or "subtree"
        if kind != "subtree":
            raise RefusedError(
                f"a {kind} filter cannot be read over RESTCONF; use a subtree filter",
                path="filter",
            )
        return [c for c in spec if isinstance(c.tag, str)]
    return [spec]
