"""Intent: the declarative description of a headend (models, loading, lint, secrets)."""

from nornir_flexvpn.intent.models import FlexVpnIntent, SecretRef

__all__ = ["FlexVpnIntent", "SecretRef"]
