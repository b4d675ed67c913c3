"""Lab headends and Nornir inventories for the CLI-channel tests (the deploy tests' fixtures)."""

from tests.deploy.conftest import nornir_for, running_of

__all__ = ["nornir_for", "running_of"]
