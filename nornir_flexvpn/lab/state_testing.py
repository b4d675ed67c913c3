"""Test and demo support for the lab's state: the document's whole headend in
each 17.x release's shape (until the payload builders' goldens exist), a
device configured with it, its trustpoint imported and the AnyConnect
profile on bootflash."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.pki import make_test_pkcs12
from nornir_flexvpn.lab.testing import SEED_SAMPLE, Client, connect, make_device, native
from nornir_flexvpn.namespaces import CRYPTO, NC, TUNNEL, XE_RPC
from nornir_flexvpn.releases import Release

PASSPHRASE = "cisco123"
USER, USER_PASSWORD = "test", "cisco123"
TRUSTPOINT = "IKEv2-TP"
P12_URL = "bootflash:IKEv2-TP.p12"
PROFILE_URL = "bootflash:/acvpn.xml"
PROFILE_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<AnyConnectProfile><ServerList><HostEntry>'
    b"<HostName>vpn</HostName><PrimaryProtocol>IPsec<StandardAuthenticationOnly>true"
    b"<AuthMethodDuringIKENegotiation>EAP-AnyConnect</AuthMethodDuringIKENegotiation>"
    b"</StandardAuthenticationOnly></PrimaryProtocol></HostEntry></ServerList>"
    b"</AnyConnectProfile>\n"
)
STATE_RELEASES = [r for r in Release if r >= Release.V17_3_1]


def _profile_extra(release: Release) -> str:
    if release >= Release.V17_9_1:
        match = "<key-ids>*$AnyConnectClient$*</key-ids>"
        pki = f"<trust-points><name>{TRUSTPOINT}</name></trust-points>"
    else:
        match = "<key-id>*$AnyConnectClient$*</key-id>"
        pki = f"<trustpoint>{TRUSTPOINT}</trustpoint>"
    if release >= Release.V17_12_1:
        group = (
            "<list-v2><name>a-eap-author-grp</name><aaa-config><username>"
            "<username>ikev2-auth-policy</username></username></aaa-config></list-v2>"
        )
    else:
        group = "<list><name>a-eap-author-grp</name><username>ikev2-auth-policy</username></list>"
    return (
        f"<profile><name>AnyConnect-EAP</name>"
        f"<match><identity><remote>{match}</remote></identity></match>"
        f"<pki>{pki}</pki>"
        "<aaa><authentication><anyconnect-eap>a-eap-authen-local</anyconnect-eap></authentication>"
        f"<authorization><group><anyconnect-eap>{group}</anyconnect-eap></group>"
        "<user><anyconnect-eap><cached/></anyconnect-eap></user></authorization></aaa>"
        "<virtual-template><number>100</number></virtual-template>"
        "<anyconnect><profile>acvpn</profile></anyconnect></profile>"
    )


def _vpn(release: Release) -> str:
    if release >= Release.V17_9_1:
        inner = f"<profile><profile-name>acvpn</profile-name><file>{PROFILE_URL}</file></profile>"
    else:
        inner = (
            f"<profile-container><profile>acvpn</profile><filename>{PROFILE_URL}</filename>"
            "</profile-container>"
        )
    return f"<vpn><anyconnect>{inner}</anyconnect></vpn>"


def seed_extra(release: Release) -> str:
    """What SEED_SAMPLE lacks of DIGEST.md steps 1-12 (17.x shapes)."""
    return native(
        f"""
 <username><name>{USER}</name><password><encryption>0</encryption>
   <password>{USER_PASSWORD}</password></password></username>
 <interface>
   <GigabitEthernet><name>1</name><ip><address><primary><address>198.51.100.1</address>
     <mask>255.255.255.0</mask></primary></address></ip></GigabitEthernet>
   <Virtual-Template><name>100</name>
     <tunnel xmlns="{TUNNEL}"><mode><ipsec><ipv4/></ipsec></mode>
       <protection><ipsec xmlns="{CRYPTO}"><profile-option><name>AnyConnect-EAP</name>
       </profile-option></ipsec></protection></tunnel></Virtual-Template>
 </interface>
 <crypto>
   <pki xmlns="{CRYPTO}"><trustpoint><id>{TRUSTPOINT}</id></trustpoint></pki>
   <ikev2 xmlns="{CRYPTO}">
     <authorization><policy><policy-name>ikev2-auth-policy</policy-name>
       <dns><primary>10.0.1.1</primary></dns><pool><pool-name>ACPOOL</pool-name></pool>
     </policy></authorization>
     <policy><name>IKEv2-pol</name><proposal><proposals>IKEv2-prop1</proposals></proposal>
     </policy>
     {_profile_extra(release)}
   </ikev2>
   {_vpn(release).replace("<vpn>", f'<vpn xmlns="{CRYPTO}">')}
 </crypto>"""
    )


def configure_seed(client: Client, release: Release) -> None:
    client.edit(SEED_SAMPLE)
    client.edit(seed_extra(release))


def import_rpc(trustpoint: str = TRUSTPOINT, url: str = P12_URL, password: str = PASSPHRASE) -> str:
    return (
        f'<crypto xmlns="{XE_RPC}"><pki><import><name-drop-node-name>{trustpoint}'
        f"</name-drop-node-name><pkcs12>{url}</pkcs12><password>{password}</password>"
        "</import></pki></crypto>"
    )


def seeded_headend(
    release: Release = Release.V17_15_1,
    *,
    self_signed: bool = False,
    with_trustpoint: bool = True,
    with_profile_file: bool = True,
) -> tuple[LabDevice, Client]:
    """A device with the whole seed, its trustpoint imported and acvpn.xml on bootflash."""
    device, _ = make_device(release)
    client = connect(device)
    configure_seed(client, release)
    if with_profile_file:
        device.bootflash.write(PROFILE_URL, PROFILE_XML)
    if with_trustpoint:
        device.bootflash.write(P12_URL, make_test_pkcs12(PASSPHRASE, self_signed=self_signed))
        client.rpc(import_rpc())
    return device, client


def get_state(client: Client, filter_xml: str = "") -> etree._Element:
    inner = f'<filter type="subtree">{filter_xml}</filter>' if filter_xml else ""
    reply = client.rpc(f'<get xmlns="{NC}">{inner}</get>')
    if reply is None:
        raise AssertionError("<get> returned no data")
    return reply
