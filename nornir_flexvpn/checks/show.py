"""`flexvpn verify --format show`: the state, laid out like the document's three show commands.

Engineers compare verify's answers with what they know from the CLI:
`show crypto ikev2 sa detailed`, `show crypto session detail` and
`show derived-config interface virtual-access N`, all rebuilt from
operational YANG and the running Virtual-Template (no CLI is run).
"""

from __future__ import annotations

from nornir_flexvpn.checks.crypto_oper import Ikev2Sa, IpsecIdent
from nornir_flexvpn.checks.state import HeadendState
from nornir_flexvpn.intent.models import FlexVpnIntent

_AUTH = {
    "rsa-sig": "RSA",
    "psk": "PSK",
    "anyconnect-eap": "AnyConnect-EAP",
    "eap": "EAP",
    "dss": "DSS",
    "ecdsa-256": "ECDSA",
    "ecdsa-384": "ECDSA",
}


def _upper(value: str | None) -> str:
    return (value or "none").upper()


def _prefix(address: str | None, mask: str | None) -> str:
    if address is None:
        return "?"
    if mask == "255.255.255.255":
        return f"host {address}"
    return f"{address}/{mask or '?'}"


def render_show(hostname: str, state: HeadendState, intent: FlexVpnIntent) -> list[str]:
    prompt = f"{hostname}#"
    if state.crypto is None:
        return [
            f"{prompt}show crypto ikev2 sa detailed",
            f"% not available on {state.release.value} (no Cisco-IOS-XE-crypto-oper)",
            "",
            f"{prompt}show crypto session detail",
            f"% not available on {state.release.value} (no Cisco-IOS-XE-crypto-oper)",
        ]
    lines = [f"{prompt}show crypto ikev2 sa detailed", " IPv4 Crypto IKEv2  SA", ""]
    lines.append(f"{'Tunnel-id':<10}{'Local':<22}{'Remote':<22}{'fvrf/ivrf':<21}Status")
    for sa in state.crypto.ikev2_sas:
        lines += _ikev2_sa(sa, state.crypto.ident_for(sa))
    lines += ["", f"{prompt}show crypto session detail"]
    lines.append("Crypto session current status")
    for sa in state.crypto.ikev2_sas:
        ident = state.crypto.ident_for(sa)
        lines += ["", *_session(sa, ident, state, intent)]
    for ident in state.crypto.ipsec:
        lines += ["", *_derived(prompt, ident, state)]
    return lines


def _ikev2_sa(sa: Ikev2Sa, ident: IpsecIdent | None) -> list[str]:
    local = f"{sa.local_ip}/{sa.local_port}"
    remote = f"{sa.remote_ip}/{sa.remote_port}"
    status = "READY" if sa.ready else (sa.status or "?").upper()
    integrity = _upper(sa.integrity)
    out = [
        f"{sa.sa_id:<10}{local:<22}{remote:<22}{'none/none':<21}{status}",
        f"      Encr: {_upper(sa.encryption)}, PRF: {integrity}, Hash: {integrity}, "
        f"DH Grp:{sa.dh_group if sa.dh_group is not None else '?'}, "
        f"Auth sign: {_AUTH.get(sa.local_auth or '', 'none')}, "
        f"Auth verify: {_AUTH.get(sa.remote_auth or '', 'none')}",
    ]
    if sa.lifetime is not None:
        out.append(f"      Life/Active Time: {sa.lifetime} sec")
    if sa.local_id is not None:
        out.append(f"      Local id: {sa.local_id}")
    if sa.remote_id is not None:
        out.append(f"      Remote id: {sa.remote_id}")
    if sa.nat_detected is not None:
        out.append(
            "      NAT-T is detected  outside" if sa.nat_detected else "      NAT-T is not detected"
        )
    elif sa.remote_port == 4500:
        out.append("      NAT-T: UDP 4500 (NAT-T in use)")
    if ident is not None and ident.remote_ident[0] is not None:
        out.append(f"      Assigned host addr: {ident.remote_ident[0]}")
    return out


def _profile_for(ident: IpsecIdent | None, state: HeadendState, intent: FlexVpnIntent) -> str:
    if ident is None:
        return "?"
    itf = state.interfaces.get(ident.interface)
    template = itf.template if itf is not None else None
    for profile in intent.ikev2_profiles:
        if template == f"Virtual-Template{profile.virtual_template}":
            return profile.name
    return "?"


def _session(
    sa: Ikev2Sa, ident: IpsecIdent | None, state: HeadendState, intent: FlexVpnIntent
) -> list[str]:
    status = "UP-ACTIVE" if sa.ready and ident is not None and ident.up else "DOWN"
    out = [
        f"Interface: {ident.interface if ident else '?'}",
        f"Profile: {_profile_for(ident, state, intent)}",
        f"Session status: {status}",
        f"Peer: {sa.remote_ip} port {sa.remote_port} fvrf: (none) ivrf: (none)",
        f"  Phase1_id: {sa.remote_id or '?'}",
        "  Desc: (none)",
        f"  Session ID: {sa.sa_id}",
        f"  IKEv2 SA: local {sa.local_ip}/{sa.local_port} remote {sa.remote_ip}/"
        f"{sa.remote_port} {'Active' if sa.ready else 'Inactive'}",
    ]
    if ident is None:
        return out
    local, remote = ident.local_ident, ident.remote_ident
    itf = state.interfaces.get(ident.interface)
    flow_local = "0.0.0.0/0.0.0.0" if local[0] == "0.0.0.0" else _prefix(*local)
    out.append(f"  IPSEC FLOW: permit ip {flow_local} {_prefix(*remote)}")
    active = sum(1 for esp in (ident.inbound, ident.outbound) if esp is not None and esp.up)
    out.append(f"        Active SAs: {active}, origin: crypto map")
    dec = itf.packets_in if itf else None
    enc = itf.packets_out if itf else None
    in_drop = itf.in_discards if itf else None
    out_drop = itf.out_discards if itf else None
    out.append(f"        Inbound:  #pkts dec'ed {_n(dec)} drop {_n(in_drop)}")
    out.append(f"        Outbound: #pkts enc'ed {_n(enc)} drop {_n(out_drop)}")
    return out


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def _derived(prompt: str, ident: IpsecIdent, state: HeadendState) -> list[str]:
    number = ident.interface.removeprefix("Virtual-Access")
    head = f"{prompt}show derived-config interface virtual-access {number}"
    itf = state.interfaces.get(ident.interface)
    template = itf.template if itf is not None else None
    vt = None
    if template is not None and template.removeprefix("Virtual-Template").isdigit():
        vt = state.running.templates.get(int(template.removeprefix("Virtual-Template")))
    if vt is None:
        return [head, f"% the template of {ident.interface} is not known"]
    lines = [head, "Building configuration...", "", "!"]
    lines.append(f"interface {ident.interface}")
    if vt.unnumbered:
        lines.append(f" ip unnumbered {vt.unnumbered}")
    if vt.mtu:
        lines.append(f" ip mtu {vt.mtu}")
    if vt.nat_inside:
        lines.append(" ip nat inside")
    if vt.tunnel_mode:
        lines.append(f" tunnel mode {vt.tunnel_mode}")
    if vt.ipsec_profile:
        lines.append(f" tunnel protection ipsec profile {vt.ipsec_profile}")
    lines += ["end"]
    return lines
