# SPDX-License-Identifier: LGPL-2.1-or-later
"""The in-kernel and userspace path managers (generic netlink "mptcp_pm")."""
import ctypes
import enum
import socket
from dataclasses import dataclass
from typing import Iterable, List, Optional, Union

from ._abi import MPK_LIMIT_KEEP, ENDPOINT_CB, In46, MpkEndpoint, MpkLimits, lib, text
from .errors import PathManagerError


class EndpointFlag(enum.IntFlag):
    """MPK_EP_*: the kernel's MPTCP_PM_ADDR_FLAG_* bits."""

    SIGNAL = 1 << 0    # announce this address to peers (ADD_ADDR)
    SUBFLOW = 1 << 1   # open extra subflows from this address
    BACKUP = 1 << 2    # subflows on it are backup
    FULLMESH = 1 << 3  # a subflow to every announced address
    IMPLICIT = 1 << 4  # set by the kernel
    LAMINAR = 1 << 5   # 6.18: use to reach announced addresses

    @classmethod
    def parse(cls, flags: Union[int, str, Iterable[str]]) -> "EndpointFlag":
        """Flags from an int, "signal subflow", or ["signal", "subflow"]
        (the library's names); ValueError for an unknown name."""
        if isinstance(flags, int):
            return cls(flags)
        names = flags.replace(",", " ").split() if isinstance(flags, str) else list(flags)
        value = 0
        for name in names:
            bit = ctypes.c_uint32()
            if not isinstance(name, str) or \
                    lib.mpk_endpoint_flag_from_name(name.encode(), ctypes.byref(bit)) < 0:
                raise ValueError(f"unknown endpoint flag {name!r}")
            value |= bit.value
        return cls(value)

    def names(self) -> List[str]:
        """The library's name of each bit set."""
        return [text(lib.mpk_endpoint_flag_name(1 << i)) or hex(1 << i)
                for i in range(32) if self.value & (1 << i)]


@dataclass(frozen=True)
class Endpoint:
    """An endpoint of the in-kernel path manager (struct mpk_endpoint)."""

    id: int
    address: Optional[str]  # None when the kernel gave no address
    port: int = 0
    flags: EndpointFlag = EndpointFlag(0)
    ifindex: int = 0

    @property
    def ifname(self) -> str:
        """Interface name, "" when none or gone."""
        try:
            return socket.if_indextoname(self.ifindex) if self.ifindex else ""
        except OSError:
            return ""


@dataclass(frozen=True)
class Limits:
    """Per-namespace limits of the in-kernel path manager."""

    subflows: int
    add_addr_accepted: int


def _ep_from_c(ep: MpkEndpoint) -> Endpoint:
    address = None
    if ep.family in (socket.AF_INET, socket.AF_INET6):
        size = 4 if ep.family == socket.AF_INET else 16
        address = socket.inet_ntop(ep.family, bytes(ep.addr)[:size])
    return Endpoint(ep.id, address, ep.port, EndpointFlag(ep.flags), ep.ifindex)


def _in46(address: str):
    """(family, union mpk_in46) of an IP address text; ValueError if not."""
    if not isinstance(address, str):
        raise TypeError(f"address must be a str, not {type(address).__name__}")
    for family, size in ((socket.AF_INET, 4), (socket.AF_INET6, 16)):
        try:
            packed = socket.inet_pton(family, address)
        except OSError:
            continue
        addr = In46()
        ctypes.memmove(ctypes.byref(addr), packed, size)
        return family, addr
    raise ValueError(f"not an IP address: {address!r}")


def _ifindex(dev: Union[None, int, str]) -> int:
    if dev is None:
        return 0
    if isinstance(dev, int) and not isinstance(dev, bool):
        return dev
    if not isinstance(dev, str):
        raise TypeError("dev must be an interface name or index")
    try:
        return socket.if_nametoindex(dev)
    except OSError:
        raise ValueError(f"no such interface: {dev!r}") from None


def _byte(value: int, what: str, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int")
    if not 0 <= value <= top:
        raise ValueError(f"{what} must be in 0..{top}")
    return value


def make_endpoint(address: Optional[str] = None, *, id: int = 0, port: int = 0,
                  flags: Union[int, str, Iterable[str]] = 0,
                  dev: Union[None, int, str] = None) -> MpkEndpoint:
    """The C struct mpk_endpoint for these arguments."""
    ep = MpkEndpoint(id=_byte(id, "id", 255), port=_byte(port, "port", 65535),
                     flags=int(EndpointFlag.parse(flags)), ifindex=_ifindex(dev))
    if address is not None:
        ep.family, ep.addr = _in46(address)
    return ep


class PathManager:
    """A command handle on the kernel's path manager of this network
    namespace. Use as a context manager, or call close(). Not thread-safe:
    one per thread. Mutating commands need CAP_NET_ADMIN."""

    def __init__(self) -> None:
        self._pm = ctypes.c_void_p()
        rc = lib.mpk_pm_open(ctypes.byref(self._pm))
        if rc < 0:
            self._pm = None
            raise PathManagerError(-rc, "open the path manager")

    def close(self) -> None:
        if self._pm:
            lib.mpk_pm_close(self._pm)
            self._pm = None

    def __enter__(self) -> "PathManager":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def _check(self, rc: int, what: str) -> int:
        if rc < 0:
            raise PathManagerError(-rc, what, text(lib.mpk_pm_ext_ack(self._pm)))
        return rc

    def _handle(self):
        if not self._pm:
            raise ValueError("the path manager handle is closed")
        return self._pm

    # In-kernel path manager: endpoints and limits.

    def endpoints(self) -> List[Endpoint]:
        """Every endpoint, in the kernel's order (by id)."""
        found: List[Endpoint] = []

        def collect(ep, _data):
            found.append(_ep_from_c(ep.contents))
            return 0

        self._check(lib.mpk_pm_endpoint_dump(self._handle(), ENDPOINT_CB(collect), None),
                    "list endpoints")
        return found

    def endpoint(self, id: int) -> Endpoint:
        """One endpoint by id; PathManagerError (ENOENT) when there is none."""
        out = MpkEndpoint()
        self._check(lib.mpk_pm_endpoint_get(self._handle(), _byte(id, "id", 255), out),
                    f"get endpoint {id}")
        return _ep_from_c(out)

    def add_endpoint(self, address: str, *, id: int = 0, port: int = 0,
                     flags: Union[int, str, Iterable[str]] = 0,
                     dev: Union[None, int, str] = None) -> None:
        """Add an endpoint, e.g. add_endpoint("10.0.2.1", dev="eth1",
        flags="subflow"). EEXIST when the address or id is there already."""
        ep = make_endpoint(address, id=id, port=port, flags=flags, dev=dev)
        self._check(lib.mpk_pm_endpoint_add(self._handle(), ep), f"add endpoint {address}")

    def delete_endpoint(self, id: int, address: Optional[str] = None) -> None:
        """Delete the endpoint with this id (id 0 with an address: withdraw
        that initial address from the connections using it)."""
        ep = make_endpoint(address, id=id)
        self._check(lib.mpk_pm_endpoint_delete(self._handle(), ep), f"delete endpoint {id}")

    def set_endpoint_flags(self, flags: Union[int, str, Iterable[str]], *, id: int = 0,
                           address: Optional[str] = None, port: int = 0) -> None:
        """Set BACKUP and FULLMESH of an endpoint found by address (and
        port) or by id; a bit left out is cleared."""
        ep = make_endpoint(address, id=id, port=port, flags=flags)
        self._check(lib.mpk_pm_endpoint_set_flags(self._handle(), ep), "set endpoint flags")

    def flush_endpoints(self) -> None:
        """Delete every endpoint."""
        self._check(lib.mpk_pm_endpoint_flush(self._handle()), "flush endpoints")

    def limits(self) -> Limits:
        out = MpkLimits()
        self._check(lib.mpk_pm_limits_get(self._handle(), out), "get limits")
        return Limits(out.subflows, out.add_addr_accepted)

    def set_limits(self, subflows: Optional[int] = None,
                   add_addr_accepted: Optional[int] = None) -> None:
        """Set either limit or both (None keeps one); the kernel allows 0..8."""
        limits = MpkLimits(_limit(subflows, "subflows"),
                           _limit(add_addr_accepted, "add_addr_accepted"))
        self._check(lib.mpk_pm_limits_set(self._handle(), limits), "set limits")

    # Userspace path manager: one connection at a time, by token.

    def announce(self, token: int, address: str, *, id: int, port: int = 0,
                 dev: Union[None, int, str] = None) -> None:
        """ADD_ADDR a local address (id 1..255) on connection token."""
        ep = make_endpoint(address, id=id, port=port, dev=dev)
        self._check(lib.mpk_pm_announce(self._handle(), _u32(token), ep), "announce")

    def remove(self, token: int, id: int) -> None:
        """REMOVE_ADDR the announced address id."""
        self._check(lib.mpk_pm_remove(self._handle(), _u32(token), _byte(id, "id", 255)),
                    "remove")

    def subflow_create(self, token: int, local: str, remote: str, remote_port: int, *,
                       local_id: int = 0, dev: Union[None, int, str] = None,
                       backup: bool = False) -> None:
        """Open a subflow from local to (remote, remote_port)."""
        lo = make_endpoint(local, id=local_id, dev=dev,
                           flags=EndpointFlag.BACKUP if backup else 0)
        re = make_endpoint(remote, port=remote_port)
        self._check(lib.mpk_pm_subflow_create(self._handle(), _u32(token), lo, re),
                    "create subflow")

    def subflow_destroy(self, token: int, local: Union[tuple, list],
                        remote: Union[tuple, list]) -> None:
        """Close the subflow between local and remote, each (host, port)."""
        lo, re = _pair(local, "local"), _pair(remote, "remote")
        self._check(lib.mpk_pm_subflow_destroy(self._handle(), _u32(token), lo, re),
                    "destroy subflow")

    def subflow_set_backup(self, token: int, local: str, remote: Union[tuple, list],
                           backup: bool) -> None:
        """Mark the subflow local -> remote (host, port) backup or not."""
        lo, re = make_endpoint(local), _pair(remote, "remote")
        self._check(lib.mpk_pm_subflow_set_backup(self._handle(), _u32(token), lo, re,
                                                  bool(backup)), "set subflow backup")


def _limit(value: Optional[int], what: str) -> int:
    """A limit for the kernel; None keeps the current one."""
    return MPK_LIMIT_KEEP if value is None else _byte(value, what, MPK_LIMIT_KEEP - 1)


def _u32(token: int) -> int:
    return _byte(token, "token", 0xFFFFFFFF)


def _pair(addr, what: str) -> MpkEndpoint:
    if not isinstance(addr, (tuple, list)) or len(addr) != 2:
        raise TypeError(f"{what} must be a (host, port) tuple")
    return make_endpoint(addr[0], port=addr[1])
