"""`LabServer`: many simulated headends in one asyncio loop, one port each.

Each headend has its own device model, its own persistent host key and the
lab's credentials; the server keeps one known_hosts (and an ssh_config that
names it) listing every running headend, so clients verify host keys against
the lab exactly as they would against production. `run_in_thread()` hosts
the loop in a background thread for synchronous callers (pytest, the CLI,
Nornir tasks).
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.contract import DeviceModel
from nornir_flexvpn.lab.faults import FaultPlan

if TYPE_CHECKING:
    from nornir_flexvpn.lab.clients import ClientSession
from nornir_flexvpn.lab.hostkeys import (
    KeyAlgorithm,
    KnownHost,
    load_or_create_host_key,
    public_key_line,
    write_known_hosts,
    write_ssh_config,
)
from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.transport import Credentials, NetconfEndpoint, TransportOptions
from nornir_flexvpn.releases import release_dir, yang_dir

T = TypeVar("T")
DeviceFactory = Callable[[HeadendIdentity, Path], DeviceModel]
LAB_HOST = "127.0.0.1"
LAB_USERNAME = "admin"
PASSWORD_FILE = "lab-password"


def lab_device_factory(identity: HeadendIdentity, models_dir: Path) -> DeviceModel:
    """The real lab device (`lab.device.LabDevice`), imported only when a headend starts."""
    from nornir_flexvpn.lab.device import LabDevice
    from nornir_flexvpn.lab.yang_library import yang_library_provider

    lab_device = LabDevice(identity, models_dir=models_dir)
    folder = release_dir(identity.release, models_dir)
    lab_device.register_state(yang_library_provider(folder, identity.platform))
    device: DeviceModel = lab_device
    return device


@dataclass
class Headend:
    """A running lab headend: where it listens, how to log in, and its device."""

    identity: HeadendIdentity
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    known_hosts: Path
    ssh_config: Path
    host_key: str  # "<type> <base64>" as in known_hosts
    device: DeviceModel = field(repr=False)
    endpoint: NetconfEndpoint = field(repr=False)

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def faults(self) -> FaultPlan:
        """Faults scripted on this headend (`lab.faults`)."""
        return self.endpoint.faults

    def connect_client(
        self, user: str, password: str, public_ip: str = "203.0.113.10"
    ) -> ClientSession:
        """An AnyConnect client logs in as the document's flow would (`lab.clients`);
        raises ClientRejected with the reason the headend would log."""
        from nornir_flexvpn.lab.clients import connect_client
        from nornir_flexvpn.lab.device import LabDevice

        assert isinstance(self.device, LabDevice)
        return connect_client(self.device, user, password, public_ip)

    def disconnect_client(self, user: str) -> None:
        from nornir_flexvpn.lab.clients import disconnect_client
        from nornir_flexvpn.lab.device import LabDevice

        assert isinstance(self.device, LabDevice)
        disconnect_client(self.device, user=user)

    def authorize_key(self, public_key: str) -> None:
        """Allow public-key login with this OpenSSH public key line."""
        self.endpoint.credentials.authorized_keys.append(public_key.strip())

    def ncclient_args(self) -> dict[str, Any]:
        """Keyword arguments for `ncclient.manager.connect` that verify the host key."""
        return {
            "host": self.host,
            "port": self.port,
            "username": self.username,
            "password": self.password,
            "hostkey_verify": True,
            "ssh_config": str(self.ssh_config),
            "look_for_keys": False,
            "allow_agent": False,
            "device_params": {"name": "default"},
        }


class LabServer:
    """Hosts headends on 127.0.0.1; state (host keys, password) lives in `state_dir`."""

    def __init__(
        self,
        state_dir: Path,
        *,
        models_dir: Path | None = None,
        username: str = LAB_USERNAME,
        password: str | None = None,
        device_factory: DeviceFactory | None = None,
        key_algorithm: KeyAlgorithm = "ssh-ed25519",
        options: TransportOptions | None = None,
        host: str = LAB_HOST,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.models_dir = models_dir or yang_dir()
        self.username = username
        self._password = password or _stored_password(self.state_dir / PASSWORD_FILE)
        self.device_factory = device_factory or lab_device_factory
        self.key_algorithm = key_algorithm
        self.options = options or TransportOptions()
        self.host = host
        self.known_hosts = self.state_dir / "known_hosts"
        self.ssh_config = write_ssh_config(self.state_dir / "ssh_config", self.known_hosts, host)
        self.headends: dict[str, Headend] = {}
        self._lock = asyncio.Lock()
        write_known_hosts(self.known_hosts, [])

    @property
    def password_file(self) -> Path:
        return self.state_dir / PASSWORD_FILE

    def __repr__(self) -> str:
        return f"LabServer(state_dir={str(self.state_dir)!r}, headends={sorted(self.headends)})"

    async def add_headend(
        self,
        identity: HeadendIdentity,
        *,
        port: int = 0,
        authorized_keys: Sequence[str] = (),
        device: DeviceModel | None = None,
        publish: bool = True,
    ) -> Headend:
        """Create the device, load or create the host key, listen, publish the key
        (`publish=False`: the caller rewrites known_hosts once for a batch)."""
        async with self._lock:
            if identity.name in self.headends:
                raise LabError(f"headend {identity.name!r} is already running", path="name")
        if device is None:
            # Loading YANG models takes a while; keep the loop serving other headends.
            device = await asyncio.to_thread(self.device_factory, identity, self.models_dir)
        key_dir = self.state_dir / "hostkeys" / identity.name
        host_key = await asyncio.to_thread(load_or_create_host_key, key_dir, self.key_algorithm)
        credentials = Credentials(
            self.username, self._password, [k.strip() for k in authorized_keys]
        )
        endpoint = NetconfEndpoint(device, credentials, host_key, self.options)
        bound = await endpoint.listen(self.host, port)
        headend = Headend(
            identity=identity,
            host=self.host,
            port=bound,
            username=self.username,
            password=self._password,
            known_hosts=self.known_hosts,
            ssh_config=self.ssh_config,
            host_key=public_key_line(host_key),
            device=device,
            endpoint=endpoint,
        )
        async with self._lock:
            if identity.name in self.headends:
                await endpoint.close()
                raise LabError(f"headend {identity.name!r} is already running", path="name")
            self.headends[identity.name] = headend
            if publish:
                self._publish()
        return headend

    async def start(
        self, identities: Sequence[HeadendIdentity], *, base_port: int | None = None
    ) -> list[Headend]:
        """Start several headends (ports base_port, base_port+1, ... or ephemeral)."""
        ensure_fd_budget(len(self.headends) + len(identities))
        ports = [base_port + i if base_port else 0 for i in range(len(identities))]
        started = await asyncio.gather(
            *(
                self.add_headend(ident, port=p, publish=False)
                for ident, p in zip(identities, ports, strict=True)
            ),
            return_exceptions=True,
        )
        # One known_hosts rewrite for the batch: per headend it is quadratic at 1,000.
        async with self._lock:
            self._publish()
        failures = [r for r in started if isinstance(r, BaseException)]
        if failures:
            for r in started:
                if isinstance(r, Headend):
                    await self.remove_headend(r.name)
            first = failures[0]
            if isinstance(first, LabError):
                raise first
            raise LabError(f"a headend failed to start: {first!r}") from first
        return [r for r in started if isinstance(r, Headend)]

    async def remove_headend(self, name: str) -> None:
        async with self._lock:
            headend = self.headends.pop(name, None)
            self._publish()
        if headend is not None:
            await headend.endpoint.close()

    async def stop(self) -> None:
        async with self._lock:
            stopping = list(self.headends.values())
            self.headends.clear()
            self._publish()
        await asyncio.gather(*(h.endpoint.close() for h in stopping))

    def _publish(self) -> None:
        write_known_hosts(
            self.known_hosts,
            [KnownHost(h.host, h.port, h.host_key) for h in self.headends.values()],
        )

    @contextmanager
    def run_in_thread(self) -> Iterator[ThreadedLab]:
        """Run the loop in a daemon thread; stop every headend on exit."""
        lab = ThreadedLab(self)
        try:
            yield lab
        finally:
            lab.shutdown()


class ThreadedLab:
    """Synchronous face of a `LabServer` whose loop runs in a background thread."""

    def __init__(self, server: LabServer, *, timeout: float = 120.0) -> None:
        self.server = server
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="flexvpn-lab", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Awaitable[T]) -> T:
        """Run a coroutine on the lab's loop and wait for it."""

        async def wrapped() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(self.timeout)

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn` in the loop thread (safe white-box access to a device)."""

        async def wrapped() -> T:
            return fn()

        return self.run(wrapped())

    @property
    def headends(self) -> dict[str, Headend]:
        return self.server.headends

    @property
    def known_hosts(self) -> Path:
        return self.server.known_hosts

    def add_headend(
        self,
        identity: HeadendIdentity,
        *,
        port: int = 0,
        authorized_keys: Sequence[str] = (),
        device: DeviceModel | None = None,
    ) -> Headend:
        return self.run(
            self.server.add_headend(
                identity, port=port, authorized_keys=authorized_keys, device=device
            )
        )

    def start(
        self, identities: Sequence[HeadendIdentity], *, base_port: int | None = None
    ) -> list[Headend]:
        return self.run(self.server.start(identities, base_port=base_port))

    def remove_headend(self, name: str) -> None:
        self.run(self.server.remove_headend(name))

    def shutdown(self) -> None:
        if not self.loop.is_closed():
            try:
                self.run(self.server.stop())
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self._thread.join(self.timeout)
                self.loop.close()


FDS_PER_HEADEND = 4  # listener, a NETCONF connection, an SFTP one, a client's own end


def ensure_fd_budget(headends: int) -> int:
    """Raise the soft RLIMIT_NOFILE (up to the hard limit) so that many headends fit;
    returns the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 256 + headends * FDS_PER_HEADEND
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        if new > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
    return int(soft)


def _stored_password(path: Path) -> str:
    """The lab password kept beside its state (0600), generated once."""
    if path.exists():
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password
