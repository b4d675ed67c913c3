"""crypto ikev2 / vpn / ipsec (steps 4-10), in every release's shape.

Old and new shapes side by side (see ../shared/yang/README.md): ikev2 policy
`proposal` leaf (16.9.1) or list; `vpn/anyconnect/profile-container` or
`profile[profile-name]`; `pki/trustpoint` leaf or `trust-points` list;
`match/identity/remote/key-id` leaf or `key-ids` leaf-list; `http-url/cert`
empty leaf or `cert-leaf` boolean; transform-set `mode/tunnel` or
`mode/tunnel-choice`; `aaa authorization ... list` (deprecated) or `list-v2`.
"""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.payload.cli_render.blocks import Block
from nornir_flexvpn.payload.cli_render.global_cfg import no
from nornir_flexvpn.payload.cli_render.xmlread import (
    Reader,
    element_children,
    is_removed,
    localname,
)

_DH_GROUPS: dict[str, str] = {
    "one": "1",
    "two": "2",
    "five": "5",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "nineteen": "19",
    "twenty": "20",
    "twenty-one": "21",
    "twenty-four": "24",
}
_IKEV2_ALGORITHMS: dict[str, str] = {"en-3des": "3des"}
_AUTH_KINDS = ("anyconnect-eap", "cert", "eap", "psk", "any")


def _removed_block(r: Reader, entry: etree._Element, header: str, out: list[Block]) -> bool:
    if is_removed(entry):
        r.use(entry)
        out.append(Block(f"no {header}"))
        return True
    return False


def _secret(r: Reader, node: etree._Element | None, leaf: str = "key") -> str:
    """`0 value` / `6 value` / `value`: a key as the device holds it (the caller redacts)."""
    value = r.text(node, leaf)
    if value is None:
        return ""
    encryption = r.text(node, "encryption")
    return f"{encryption} {value}" if encryption else value


# --- step 4 / 13: authorization policy ------------------------------------------------------
def render_authorization_policies(r: Reader, ikev2: etree._Element, out: list[Block]) -> None:
    for policy in r.find_all(ikev2, "authorization/policy"):
        header = f"crypto ikev2 authorization policy {r.text(policy, 'policy-name')}"
        if _removed_block(r, policy, header, out):
            continue
        lines: list[str] = []
        pool = r.text(policy, "pool/pool-name")
        if pool is not None:
            lines.append(f"pool {pool}")
        dns = [v for v in (r.text(policy, "dns/primary"), r.text(policy, "dns/secondary")) if v]
        if dns:
            lines.append("dns " + " ".join(dns))
        for leaf in ("netmask", "def-domain", "banner", "backup-gateway", "session-lifetime"):
            value = r.text(policy, leaf)
            if value is not None:
                lines.append(f"{leaf} {value}")
        for name in r.texts(policy, "split-dns/name"):
            lines.append(f"split-dns {name}")
        wins = [v for v in (r.text(policy, "wins/primary"), r.text(policy, "wins/secondary")) if v]
        if wins:
            lines.append("wins " + " ".join(wins))
        for leaf in ("include-local-lan", "pfs"):
            if r.flag(policy, leaf):
                lines.append(leaf)
        acl = r.text(policy, "route/set/access-list/access-list-range")
        if acl is not None:
            lines.append(f"route set access-list {acl}")
        acl6 = r.text(policy, "route/set/access-list/ipv6/name")
        if acl6 is not None:
            lines.append(f"route set access-list ipv6 {acl6}")
        if r.flag(policy, "route/set/interface/interface-default"):
            lines.append("route set interface")
        out.append(Block(header, [" " + line for line in lines]))


# --- step 5: proposal and policy ------------------------------------------------------------
def render_proposals(r: Reader, ikev2: etree._Element, out: list[Block]) -> None:
    for proposal in r.find_all(ikev2, "proposal"):
        header = f"crypto ikev2 proposal {r.text(proposal, 'name')}"
        if _removed_block(r, proposal, header, out):
            continue
        lines: list[str] = []
        for kind in ("encryption", "integrity", "prf", "group"):
            container = r.find(proposal, kind)
            if container is None:
                continue
            words: list[str] = []
            for algorithm in element_children(container):
                r.use(algorithm)
                name = localname(algorithm)
                words.append(_DH_GROUPS.get(name, _IKEV2_ALGORITHMS.get(name, name)))
            if words:
                lines.append(f" {kind} " + " ".join(words))
        out.append(Block(header, lines))


def render_policies(r: Reader, ikev2: etree._Element, out: list[Block]) -> None:
    for policy in r.find_all(ikev2, "policy"):
        header = f"crypto ikev2 policy {r.text(policy, 'name')}"
        if _removed_block(r, policy, header, out):
            continue
        lines: list[str] = []
        # 17.x: match/address/local-ip leaf-list; 16.9-17.3: match/address/local leaf.
        for address in [
            *r.texts(policy, "match/address/local-ip"),
            *r.texts(policy, "match/address/local"),
        ]:
            lines.append(f" match address local {address}")
        if r.flag(policy, "match/fvrf/any"):
            lines.append(" match fvrf any")
        fvrf = r.text(policy, "match/fvrf/name")
        if fvrf:
            lines.append(f" match fvrf {fvrf}")
        if r.flag(policy, "match/inbound-only"):
            lines.append(" match inbound-only")
        for entry in r.find_all(policy, "proposal"):
            name = r.text(entry, "proposals")
            if name is None:  # 16.9.1: a leaf, not a list
                r.use(entry)
                name = (entry.text or "").strip()
            lines.append((" no" if is_removed(entry) else "") + f" proposal {name}")
        out.append(Block(header, lines))


# --- step 6: AnyConnect client profile ----------------------------------------------------
def render_anyconnect(r: Reader, crypto: etree._Element, out: list[Block]) -> None:
    anyconnect = r.find(crypto, "vpn/anyconnect")
    if anyconnect is None:
        return
    for entry in r.find_all(anyconnect, "profile"):
        name = r.text(entry, "profile-name")
        line = f"crypto vpn anyconnect profile {name}"
        if _removed_block(r, entry, line, out):
            continue
        out.append(Block(f"{line} {r.text(entry, 'file')}"))
    container = r.find(anyconnect, "profile-container")
    if container is not None:
        name = r.text(container, "profile")
        line = f"crypto vpn anyconnect profile {name}"
        if not _removed_block(r, container, line, out):
            out.append(Block(f"{line} {r.text(container, 'filename')}"))
    packages = [
        (r.text(e, "filename"), r.text(e, "sequence")) for e in r.find_all(anyconnect, "file-list")
    ]
    old_file = r.find(anyconnect, "file")
    if old_file is not None:
        packages.append((r.text(old_file, "filename"), r.text(old_file, "sequence")))
    for filename, sequence in packages:
        out.append(
            Block(
                f"crypto vpn anyconnect {filename}" + (f" sequence {sequence}" if sequence else "")
            )
        )


# --- step 7: IKEv2 profile ---------------------------------------------------------------------
def _profile_match(r: Reader, profile: etree._Element) -> list[str]:
    lines: list[str] = []
    remote = r.find(profile, "match/identity/remote")
    if remote is not None:
        # 17.9.1 on: key-ids leaf-list; before: key-id leaf.
        for key_id in [*r.texts(remote, "key-ids"), *r.texts(remote, "key-id")]:
            lines.append(f"match identity remote key-id {key_id}")
        for entry in r.find_all(remote, "address/ipv4"):
            mask = r.text(entry, "ipv4-mask")
            address = r.text(entry, "ipv4-address")
            lines.append(f"match identity remote address {address}" + (f" {mask}" if mask else ""))
        for prefix in r.texts(remote, "address/ipv6-prefix"):
            lines.append(f"match identity remote address {prefix}")
        if r.flag(remote, "any"):
            lines.append("match identity remote any")
        for kind, names, domains in (
            ("fqdn", ("fqdn-name", "name"), ("domains", "domain")),
            ("email", ("names", "name"), ("domains", "domain")),
        ):
            for leaf in names:
                for value in r.texts(remote, f"{kind}/{leaf}"):
                    lines.append(f"match identity remote {kind} {value}")
            for leaf in domains:
                for value in r.texts(remote, f"{kind}/{leaf}"):
                    lines.append(f"match identity remote {kind} domain {value}")
    for name in r.texts(profile, "match/certificate-map"):
        lines.append(f"match certificate {name}")
    if r.flag(profile, "match/fvrf/any"):
        lines.append("match fvrf any")
    fvrf = r.text(profile, "match/fvrf/name")
    if fvrf:
        lines.append(f"match fvrf {fvrf}")
    local_ip = r.text(profile, "match/address/local/ip")
    if local_ip:
        lines.append(f"match address local {local_ip}")
    if r.flag(profile, "match/inbound-only"):
        lines.append("match inbound-only")
    return lines


def _profile_authentication(r: Reader, profile: etree._Element) -> list[str]:
    lines: list[str] = []
    local = r.find(profile, "authentication/local")
    for method in ("rsa-sig", "ecdsa-sig"):
        if r.flag(local, method):
            lines.append(f"authentication local {method}")
    if r.flag(local, "pre-share"):
        key = _secret(r, r.find(local, "pre-share/key"))
        lines.append("authentication local pre-share" + (f" key {key}" if key else ""))
    remote = r.find(profile, "authentication/remote")
    if remote is not None:
        anyconnect = r.find(remote, "anyconnect-eap")
        if anyconnect is not None:
            if not any(True for _ in element_children(anyconnect)):
                r.use(anyconnect)
            words = ["authentication remote anyconnect-eap"]
            if r.flag(anyconnect, "aggregate"):
                words.append("aggregate")
                if r.flag(anyconnect, "aggregate/cert-request"):
                    words.append("cert-request")
            lines.append(" ".join(words))
        if r.flag(remote, "eap"):
            words = ["authentication remote eap"]
            if r.flag(remote, "eap/query-identity"):
                words.append("query-identity")
            timeout = r.text(remote, "eap/timeout")
            if timeout:
                words += ["timeout", timeout]
            lines.append(" ".join(words))
        for method in ("rsa-sig", "ecdsa-sig"):
            if r.flag(remote, method):
                lines.append(f"authentication remote {method}")
        if r.flag(remote, "pre-share"):
            key = _secret(r, r.find(remote, "pre-share/key"))
            lines.append("authentication remote pre-share" + (f" key {key}" if key else ""))
    return lines


def _aaa_list(r: Reader, holder: etree._Element) -> list[str]:
    """`list NAME [USER [local | password ...] | name-mangler M ...]` in both shapes."""
    tails: list[str] = []
    v2 = r.find(holder, "list-v2")
    if v2 is not None:
        words = ["list", r.text(v2, "name") or ""]
        config = r.find(v2, "aaa-config")
        user = r.text(config, "username/username")
        if user is not None:
            words.append(user)
        if r.flag(config, "username/local"):
            words.append("local")
        secret = _secret(r, r.find(config, "username/password/password"))
        if secret:
            words += ["password", secret]
        mangler = r.text(config, "name-mangler/name")
        if mangler is not None:
            words += ["name-mangler", mangler]
            secret = _secret(r, r.find(config, "name-mangler/password"))
            if secret:
                words += ["password", secret]
        secret = _secret(r, r.find(config, "password"))
        if secret:
            words += ["password", secret]
        tails.append(" ".join(words))
    for entry in r.find_all(holder, "list"):
        words = ["list", r.text(entry, "name") or ""]
        user = r.text(entry, "username")
        if user is not None:
            words.append(user)
        if r.flag(entry, "local"):
            words.append("local")
        mangler_node = r.find(entry, "name-mangler")
        if mangler_node is not None:
            # 16.9.1: a leaf; 17.x: a container with name and password.
            mangler_name = r.text(mangler_node, "name")
            if mangler_name is None:
                r.use(mangler_node)
                mangler_name = (mangler_node.text or "").strip()
            words += ["name-mangler", mangler_name]
            secret = _secret(r, r.find(mangler_node, "password"))
            if secret:
                words += ["password", secret]
        secret = _secret(r, r.find(entry, "password"))
        if secret:
            words += ["password", secret]
        tails.append(" ".join(words))
    return tails


def _profile_aaa(r: Reader, profile: etree._Element) -> list[str]:
    lines: list[str] = []
    aaa = r.find(profile, "aaa")
    if aaa is None:
        return lines
    for kind in ("anyconnect-eap", "eap"):
        value = r.text(aaa, f"authentication/{kind}")
        if value is not None:
            lines.append(f"aaa authentication {kind} {value}")
    for kind in _AUTH_KINDS:
        holder = r.find(aaa, f"authorization/group/{kind}")
        if holder is not None:
            for tail in _aaa_list(r, holder):
                lines.append(f"aaa authorization group {kind} {tail}")
    if r.flag(aaa, "authorization/group/override"):
        lines.append("aaa authorization group override")
    for kind in _AUTH_KINDS:
        holder = r.find(aaa, f"authorization/user/{kind}")
        if holder is None:
            continue
        if r.flag(holder, "cached"):
            lines.append(f"aaa authorization user {kind} cached")
        for tail in _aaa_list(r, holder):
            lines.append(f"aaa authorization user {kind} {tail}")
    for kind in ("anyconnect-eap", "cert", "eap", "psk"):
        value = r.text(aaa, f"accounting/{kind}")
        if value is not None:
            lines.append(f"aaa accounting {kind} {value}")
    return lines


def render_ikev2_profiles(r: Reader, ikev2: etree._Element, out: list[Block]) -> None:
    for profile in r.find_all(ikev2, "profile"):
        header = f"crypto ikev2 profile {r.text(profile, 'name')}"
        if _removed_block(r, profile, header, out):
            continue
        lines: list[str] = []
        description = r.text(profile, "description")
        if description is not None:
            lines.append(f"description {description}")
        lines += _profile_match(r, profile)
        for kind in ("address", "dn", "email", "fqdn", "key-id"):
            node = r.find(profile, f"identity/local/{kind}")
            if node is not None:
                value = r.text(profile, f"identity/local/{kind}")
                lines.append(f"identity local {kind}" + (f" {value}" if value else ""))
        lines += _profile_authentication(r, profile)
        keyring = r.text(profile, "keyring/local/name")
        if keyring is not None:
            lines.append(f"keyring local {keyring}")
        # 17.9.1 on: trust-points list; before: trustpoint leaf (+ use).
        for entry in r.find_all(profile, "pki/trust-points"):
            uses = r.text(entry, "uses")
            lines.append(f"pki trustpoint {r.text(entry, 'name')}" + (f" {uses}" if uses else ""))
        trustpoint = r.text(profile, "pki/trustpoint")
        if trustpoint is not None:
            use = r.text(profile, "pki/use")
            lines.append(f"pki trustpoint {trustpoint}" + (f" {use}" if use else ""))
        interval = r.text(profile, "dpd/interval")
        if interval is not None:
            words = ["dpd", interval]
            retry = r.text(profile, "dpd/retry")
            query = r.text(profile, "dpd/query")
            words += [w for w in (retry, query) if w]
            lines.append(" ".join(words))
        keepalive = r.text(profile, "nat/keepalive")
        if keepalive is not None:
            lines.append(f"nat keepalive {keepalive}")
        if r.flag(profile, "nat/force-encap"):
            lines.append("nat force-encap")
        lines += _profile_aaa(r, profile)
        lifetime = r.text(profile, "lifetime/seconds")
        if lifetime is not None:
            lines.append(f"lifetime {lifetime}")
        ivrf = r.text(profile, "ivrf")
        if ivrf is not None:
            lines.append(f"ivrf {ivrf}")
        number = r.text(profile, "virtual-template/number")
        if number is not None:
            mode = r.text(profile, "virtual-template/mode")
            lines.append(f"virtual-template {number}" + (f" mode {mode}" if mode else ""))
        anyconnect = r.text(profile, "anyconnect/profile")
        if anyconnect is not None:
            lines.append(f"anyconnect profile {anyconnect}")
        if r.flag(profile, "shutdown"):
            lines.append("shutdown")
        out.append(Block(header, [" " + line for line in lines]))


# --- step 8: HTTP-URL certificate lookup ---------------------------------------------------------
def render_http_url(r: Reader, ikev2: etree._Element, out: list[Block]) -> None:
    http_url = r.find(ikev2, "http-url")
    leaf = r.find(http_url, "cert-leaf")  # 17.9.1 on: boolean
    if leaf is not None:
        on = r.boolean(http_url, "cert-leaf") and not is_removed(leaf)
        out.append(Block(("" if on else "no ") + "crypto ikev2 http-url cert"))
    old = r.find(http_url, "cert")  # before: empty leaf, deleted to turn it off
    if old is not None:
        r.use(old)
        out.append(Block(no(old, "crypto ikev2 http-url cert")))
    if r.flag(http_url, "bundle"):
        out.append(Block("crypto ikev2 http-url bundle"))


# --- steps 9 / 10: IPsec --------------------------------------------------------------------------
def render_transform_sets(r: Reader, crypto: etree._Element, out: list[Block]) -> None:
    for entry in r.find_all(crypto, "ipsec/transform-set"):
        tag = r.text(entry, "tag")
        if _removed_block(r, entry, f"crypto ipsec transform-set {tag}", out):
            continue
        words = ["crypto ipsec transform-set", tag or ""]
        for leaf in ("ah-hmac", "esp", "key-bit", "esp-hmac"):
            value = r.text(entry, leaf)
            if value:
                words.append(value)
        if r.flag(entry, "comp-lzs"):
            words.append("comp-lzs")
        lines: list[str] = []
        mode = r.find(entry, "mode")
        if r.flag(mode, "tunnel") or r.flag(mode, "tunnel-choice"):
            lines.append(" mode tunnel")
        for leaf in ("transport", "transport-choice"):
            if r.flag(mode, leaf):
                require = r.flag(mode, f"{leaf}/require")
                lines.append(" mode transport" + (" require" if require else ""))
        if r.flag(entry, "esn"):
            lines.append(" esn")
        out.append(Block(" ".join(words), lines))


def render_ipsec_profiles(r: Reader, crypto: etree._Element, out: list[Block]) -> None:
    for profile in r.find_all(crypto, "ipsec/profile"):
        header = f"crypto ipsec profile {r.text(profile, 'name')}"
        if _removed_block(r, profile, header, out):
            continue
        lines: list[str] = []
        description = r.text(profile, "description")
        if description is not None:
            lines.append(f" description {description}")
        sets = r.texts(profile, "set/transform-set")
        if sets:
            lines.append(" set transform-set " + " ".join(sets))
        for leaf in ("ikev2-profile", "isakmp-profile", "identity"):
            value = r.text(profile, f"set/{leaf}")
            if value is not None:
                lines.append(f" set {leaf} {value}")
        if r.flag(profile, "responder-only"):
            lines.append(" responder-only")
        out.append(Block(header, lines))


# --- step 2's trustpoint (imported by an exec command; its mode lines are config) -----------
def render_trustpoints(r: Reader, crypto: etree._Element, out: list[Block]) -> None:
    for entry in r.find_all(crypto, "pki/trustpoint"):
        header = f"crypto pki trustpoint {r.text(entry, 'id')}"
        if _removed_block(r, entry, header, out):
            continue
        lines: list[str] = []
        enrollment = r.find(entry, "enrollment")
        for method in ("pkcs12", "terminal", "selfsigned"):
            if r.flag(enrollment, f"enrollment-method/{method}") or r.flag(enrollment, method):
                lines.append(f" enrollment {method}")
        for leaf in ("subject-name", "subject-alt-name", "fqdn", "vrf"):
            value = r.text(entry, leaf)
            if value is not None:
                lines.append(f" {leaf} {value}")
        checks = r.texts(entry, "revocation-check")
        if checks:
            lines.append(" revocation-check " + " ".join(checks))
        label = r.text(entry, "rsakeypair/key-label")
        if label is not None:
            lines.append(f" rsakeypair {label}")
        out.append(Block(header, lines))


def render_crypto(r: Reader, native: etree._Element, out: list[Block]) -> None:
    crypto = r.find(native, "crypto")
    if crypto is None:
        return
    render_trustpoints(r, crypto, out)
    ikev2 = r.find(crypto, "ikev2")
    if ikev2 is not None:
        render_authorization_policies(r, ikev2, out)
        render_proposals(r, ikev2, out)
        render_policies(r, ikev2, out)
        render_ikev2_profiles(r, ikev2, out)
        render_http_url(r, ikev2, out)
    render_anyconnect(r, crypto, out)
    render_transform_sets(r, crypto, out)
    render_ipsec_profiles(r, crypto, out)
