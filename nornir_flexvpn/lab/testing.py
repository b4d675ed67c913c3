"""Test support for the lab device: drive `LabDevice.rpc()` in-process with XML.

Used by the white-box tests (tests/lab) and by anyone checking a change
against a device without SSH: `make_device()` gives a device with
hand-driven timers, `connect()` a session on it, and `SEED_SAMPLE` is the
document's headend in the shape all six releases share.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from nornir_flexvpn.lab.contract import RpcErrorReply, SessionInfo
from nornir_flexvpn.lab.datastore import DatastoreName
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.timers import ManualTimers
from nornir_flexvpn.namespaces import AAA, CRYPTO, HTTP, NAT, NATIVE, NC
from nornir_flexvpn.releases import Release

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
NCOP = f'xmlns:nc="{NC}"'


def xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode(), PARSER)


@dataclass
class Client:
    """One session on a device."""

    device: LabDevice
    session: SessionInfo

    def rpc(self, body: str) -> etree._Element | None:
        return self.device.rpc(self.session, xml(body))

    def error(self, body: str) -> RpcErrorReply:
        """The rpc-error the device answers with; AssertionError if it accepts."""
        try:
            reply = self.device.rpc(self.session, xml(body))
        except RpcErrorReply as refused:
            return refused
        shown = "<ok/>" if reply is None else etree.tostring(reply).decode()[:200]
        raise AssertionError(f"expected an rpc-error, the device answered {shown}")

    def edit(
        self,
        config: str,
        *,
        target: str = "running",
        extra: str = "",
    ) -> etree._Element | None:
        return self.rpc(
            f'<edit-config xmlns="{NC}"><target><{target}/></target>{extra}'
            f"<config>{config}</config></edit-config>"
        )

    def edit_error(self, config: str, *, target: str = "running", extra: str = "") -> RpcErrorReply:
        return self.error(
            f'<edit-config xmlns="{NC}"><target><{target}/></target>{extra}'
            f"<config>{config}</config></edit-config>"
        )

    def get_config(self, source: str = "running", inner: str = "") -> etree._Element:
        reply = self.rpc(
            f'<get-config xmlns="{NC}"><source><{source}/></source>{inner}</get-config>'
        )
        assert reply is not None
        return reply


def make_device(
    release: Release = Release.V17_15_1,
    *,
    candidate: bool = False,
    confirmed_commit: bool = False,
    name: str = "hq",
) -> tuple[LabDevice, ManualTimers]:
    timers = ManualTimers()
    identity = HeadendIdentity(
        name, release, candidate=candidate or confirmed_commit, confirmed_commit=confirmed_commit
    )
    return LabDevice(identity, timers=timers), timers


def connect(device: LabDevice, username: str = "admin") -> Client:
    return Client(device, device.open_session(username, "127.0.0.1"))


def native(inner: str) -> str:
    return f'<native xmlns="{NATIVE}">{inner}</native>'


def loopback(number: int, address: str = "10.0.0.1", extra: str = "") -> str:
    return native(
        f"<interface><Loopback><name>{number}</name><ip><address><primary>"
        f"<address>{address}</address><mask>255.255.255.255</mask>"
        f"</primary></address></ip>{extra}</Loopback></interface>"
    )


def all_datastores(device: LabDevice) -> dict[str, bytes]:
    names: list[DatastoreName] = ["running", "startup"]
    if device.identity.candidate:
        names.append("candidate")
    return {n: device.datastore_xml(n) for n in names}


# The document's headend in the shape every release shares (DIGEST.md steps
# 1, 3, 5, 7 (authentication), 9, 10, 11, 12 (unnumbered, mtu), 14 (outside)).
SEED_SAMPLE = native(
    f"""
 <aaa><new-model xmlns="{AAA}"/>
   <authentication xmlns="{AAA}"><login><name>a-eap-authen-local</name><a1><local/></a1></login>
   </authentication>
   <authorization xmlns="{AAA}"><network><id>a-eap-author-grp</id><a1><local/></a1></network>
   </authorization>
 </aaa>
 <ip><local><pool><id>ACPOOL</id><start>192.168.10.5</start><last>192.168.10.10</last></pool>
     </local>
     <http xmlns="{HTTP}"><server>false</server><secure-server>false</secure-server></http></ip>
 <interface>
   <GigabitEthernet><name>1</name><ip><nat xmlns="{NAT}"><outside/></nat></ip></GigabitEthernet>
   <Loopback><name>100</name><ip><address><primary><address>10.0.0.1</address>
     <mask>255.255.255.255</mask></primary></address></ip></Loopback>
   <Virtual-Template><name>100</name><type>tunnel</type>
     <ip><unnumbered>Loopback100</unnumbered><mtu>1400</mtu></ip></Virtual-Template>
 </interface>
 <crypto>
   <ikev2 xmlns="{CRYPTO}">
     <proposal><name>IKEv2-prop1</name><encryption><aes-cbc-256/></encryption>
       <integrity><sha256/></integrity><group><fourteen/></group></proposal>
     <profile><name>AnyConnect-EAP</name><authentication><local><rsa-sig/></local>
       <remote><anyconnect-eap><aggregate/></anyconnect-eap></remote></authentication></profile>
   </ikev2>
   <ipsec xmlns="{CRYPTO}">
     <transform-set><tag>TS</tag><esp>esp-aes</esp><key-bit>256</key-bit>
       <esp-hmac>esp-sha256-hmac</esp-hmac></transform-set>
     <profile><name>AnyConnect-EAP</name><set><transform-set>TS</transform-set>
       <ikev2-profile>AnyConnect-EAP</ikev2-profile></set></profile>
   </ipsec>
 </crypto>"""
)
