"""Milliseconds per headend to build and YANG-validate N distinct intents.

    python benchmarks/render.py [--count 1000] [--release 17.15.1]

Intents differ in names, numbers and addresses (pool, user, proposal,
loopback, Virtual-Template), so nothing is cached between them. The schema
context is loaded (and timed) once before the loop.
"""

from __future__ import annotations

import argparse
import time
from ipaddress import IPv4Address
from typing import Any

from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.redacted import PlaceholderSecrets
from nornir_flexvpn.releases import DEFAULT_RELEASE, Release
from nornir_flexvpn.schema import get_context, validate_config


def variant(index: int) -> FlexVpnIntent:
    """The seed headend, renamed and renumbered by `index`."""
    data: dict[str, Any] = FlexVpnIntent().model_dump(mode="json")
    base = IPv4Address("172.16.0.0") + index * 16
    pool = f"POOL-{index}"
    data["pools"][0].update(name=pool, start=str(base + 1), end=str(base + 14))
    data["authorization_policies"][0]["pool"] = pool
    data["aaa"]["users"][0]["name"] = f"user{index}"
    proposal = f"PROP-{index}"
    data["proposals"][0]["name"] = proposal
    data["policies"][0]["proposals"] = [proposal]
    number = 1 + index % 65535
    data["loopbacks"][0].update(number=number, address=str(IPv4Address("10.200.0.0") + index))
    data["virtual_templates"][0].update(number=number, unnumbered_loopback=number)
    data["ikev2_profiles"][0]["virtual_template"] = number
    return FlexVpnIntent.model_validate(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--release", default=DEFAULT_RELEASE.value)
    args = parser.parse_args()
    release = Release.parse(args.release)
    intents = [variant(i) for i in range(args.count)]
    secrets = PlaceholderSecrets()

    started = time.perf_counter()
    get_context(release)
    load_s = time.perf_counter() - started

    build_s = validate_s = 0.0
    invalid = 0
    for intent in intents:
        t0 = time.perf_counter()
        payload = build_payload(intent, release, secrets)
        t1 = time.perf_counter()
        issues = validate_config(release, payload.config)
        t2 = time.perf_counter()
        build_s += t1 - t0
        validate_s += t2 - t1
        invalid += bool(issues)

    n = len(intents)
    print(f"release {release.value}: {n} headends, models loaded in {load_s * 1000:.0f} ms")
    print(f"  build    {build_s / n * 1000:7.3f} ms/headend")
    print(f"  validate {validate_s / n * 1000:7.3f} ms/headend")
    print(f"  total    {(build_s + validate_s) / n * 1000:7.3f} ms/headend")
    print(f"  invalid  {invalid}")


if __name__ == "__main__":
    main()
