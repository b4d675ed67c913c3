"""Step 2's configuration side: the trustpoint the exec-mode PKCS12 import fills.

The import itself (`crypto pki import ... pkcs12 ...`) is an exec command and
not part of the payload. The payload names the trustpoint so that the IKEv2
profile's reference resolves inside the payload itself: 17.9.1's
`pki/trust-points` must find `crypto/pki/trustpoint[id]`. Merging an entry that
holds only its key changes nothing on a device where the import created it.
"""

from __future__ import annotations

from nornir_flexvpn.intent.models import Trustpoint
from nornir_flexvpn.namespaces import CRYPTO, NATIVE
from nornir_flexvpn.payload.elements import chain, child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.releases import Release


def build_pki(trustpoint: Trustpoint | None, release: Release) -> Fragment:
    """`<crypto><pki><trustpoint><id>` for the intent's trustpoint (nothing if it has none)."""
    del release  # same shape on every release
    fragment = Fragment("pki")
    if trustpoint is None:
        return fragment
    crypto = fragment.add(element(NATIVE, "crypto"))
    entry = chain(child(crypto, CRYPTO, "pki"), "trustpoint")
    leaf(entry, "id", trustpoint.name)
    return fragment
