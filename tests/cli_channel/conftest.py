"""Lab headends and Nornir inventories for the CLI-channel tests (the deploy and PKI tests' fixtures)."""

from tests.deploy.conftest import nornir_for, running_of
from tests.pki.conftest import material_nornir

__all__ = ["material_nornir", "nornir_for", "running_of"]
