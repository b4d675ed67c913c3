"""Step 6's file: the generated client profile, delivered to the URL it is bound from."""

from __future__ import annotations

from dataclasses import dataclass

from nornir_flexvpn.anyconnect.client_profile import client_profiles
from nornir_flexvpn.files.deliver import Delivery, deliver_file
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.releases import Release


@dataclass(frozen=True)
class ProfilePush:
    profile: str
    delivery: Delivery

    def __str__(self) -> str:
        return f"anyconnect profile {self.profile}: {self.delivery}"


def push_profiles(
    conn: NetconfConnection, intent: FlexVpnIntent, release: Release
) -> list[ProfilePush]:
    """Deliver every profile the intent generates (`deliver: true`); identical files stay."""
    rendered = client_profiles(intent)
    pushed = []
    for profile in intent.anyconnect_profiles:
        if profile.name not in rendered:
            continue
        delivery = deliver_file(
            conn,
            profile.url,
            rendered[profile.name],
            release=release,
            method=intent.file_delivery.method,
            copy_from=intent.file_delivery.copy_from,
        )
        pushed.append(ProfilePush(profile.name, delivery))
    return pushed
