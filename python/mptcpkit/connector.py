# SPDX-License-Identifier: LGPL-2.1-or-later
"""Connecting to addresses resolved beforehand (mpk_connector_new_addrs):
for a program that connects to the same place many times, resolves it once
(or has the addresses from elsewhere) and wants no lookup per connection."""
import ctypes
import socket
import struct
import time
from typing import Iterable, Optional, Tuple

from ._abi import MPK_CLOEXEC, MPK_TCP_ONLY, MpkStatus, SockaddrStorage, lib
from .errors import check
from .info import sockaddr_tuple
from .sockets import _steps, _steps_async, _wrap

AddrEntry = Tuple  # (host, port), (host, port, flowinfo, scope_id) or a getaddrinfo() entry


def _port(port, what: str) -> int:
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"{what}: port must be an int, not {type(port).__name__}")
    if not 0 < port < 65536:
        raise ValueError(f"{what}: port {port} is out of range")
    return port


def _sockaddr(entry, what: str) -> SockaddrStorage:
    """One address as the struct sockaddr_storage the library copies in."""
    if (isinstance(entry, tuple) and len(entry) == 5 and isinstance(entry[0], int)
            and isinstance(entry[4], tuple)):
        entry = entry[4]  # a socket.getaddrinfo() entry: its sockaddr
    if not isinstance(entry, tuple) or len(entry) not in (2, 4):
        raise TypeError(f"{what}: an address is (host, port), (host, port, flowinfo, scope_id)"
                        " or a getaddrinfo() entry")
    host, port = entry[0], _port(entry[1], what)
    if not isinstance(host, str):
        raise TypeError(f"{what}: host must be a str, not {type(host).__name__}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if family == socket.AF_INET and len(entry) == 4:
        raise ValueError(f"{what}: flowinfo and scope_id are for IPv6 addresses")
    try:
        packed = socket.inet_pton(family, host)
    except (OSError, ValueError):
        raise ValueError(f"{what}: {host!r} is not a numeric address "
                         "(create_connection resolves names)") from None
    ss = SockaddrStorage()
    raw = (ctypes.c_char * ctypes.sizeof(ss)).from_buffer(ss)
    if family == socket.AF_INET:
        struct.pack_into("=H", raw, 0, family)
        struct.pack_into("!H4s", raw, 2, port, packed)
    else:
        flowinfo, scope_id = (entry[2], entry[3]) if len(entry) == 4 else (0, 0)
        struct.pack_into("=H", raw, 0, family)
        struct.pack_into("!HI16s", raw, 2, port, flowinfo, packed)
        struct.pack_into("=I", raw, 24, scope_id)
    return ss


def _new(addresses: Iterable[AddrEntry], mptcp: bool, what: str) -> ctypes.c_void_p:
    if isinstance(addresses, (str, bytes)) or not hasattr(addresses, "__iter__"):
        raise TypeError(f"{what}: addresses must be a list of addresses")
    items = [_sockaddr(a, what) for a in addresses]
    if not items:
        raise ValueError(f"{what}: no addresses")
    array = (SockaddrStorage * len(items))(*items)
    conn = ctypes.c_void_p()
    flags = MPK_CLOEXEC | (0 if mptcp else MPK_TCP_ONLY)
    check(lib.mpk_connector_new_addrs(array, len(items), flags, ctypes.byref(conn)), what)
    return conn


def _failed(conn: ctypes.c_void_p, rc: int) -> None:
    """Raise for a failed connect, naming the address tried last
    (mpk_connector_addr)."""
    last = lib.mpk_connector_addr(conn)
    where = sockaddr_tuple(ctypes.cast(last, ctypes.POINTER(SockaddrStorage)).contents) \
        if last else None
    check(rc, f"connect to {where[0]} port {where[1]}" if where else "connect")


def connect_addrs(addresses: Iterable[AddrEntry], timeout: Optional[float] = None, *,
                  mptcp: bool = True) -> socket.socket:
    """Connect over MPTCP (falling back to TCP) to the first of addresses
    that answers, tried in order, without resolving anything: each is a
    numeric (host, port), an IPv6 (host, port, flowinfo, scope_id), or an
    entry of socket.getaddrinfo(). timeout (seconds) bounds the whole
    connect and is then set on the socket; mptcp=False asks for plain TCP.
    sock.getpeername() says which address answered; a failure names the
    one tried last."""
    conn = _new(addresses, mptcp, "connect_addrs")
    deadline = None if timeout is None else time.monotonic() + timeout
    st = MpkStatus()
    try:
        fd = _steps(conn, st, deadline)
        if fd < 0:
            _failed(conn, fd)
    finally:
        lib.mpk_connector_free(conn)
    sock = _wrap(fd, st)
    sock.settimeout(timeout)
    return sock


async def connect_addrs_async(addresses: Iterable[AddrEntry], *,
                              mptcp: bool = True) -> socket.socket:
    """connect_addrs() for asyncio: the connect waits on the loop (nothing
    to resolve, so no executor). Returns a non-blocking socket; use
    asyncio.wait_for() for a timeout."""
    conn = _new(addresses, mptcp, "connect_addrs_async")
    st = MpkStatus()
    try:
        fd = await _steps_async(conn, st)
        if fd < 0:
            _failed(conn, fd)
    finally:
        lib.mpk_connector_free(conn)
    sock = _wrap(fd, st)
    sock.setblocking(False)
    return sock
