"""nornir_flexvpn: declarative, transactional FlexVPN AnyConnect-EAP headends for Nornir."""

from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.releases import Release

__all__ = ["FlexVpnError", "Release"]
__version__ = "0.1.0"
