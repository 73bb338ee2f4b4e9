# SPDX-License-Identifier: LGPL-2.1-or-later
"""MPTCP sockets with fallback to TCP, as standard socket.socket objects."""
import asyncio
import ctypes
import errno
import select
import socket
import time
import weakref
from typing import Optional, Tuple, Union

from ._abi import MPK_CLOEXEC, MPK_TCP_ONLY, MpkStatus, lib
from .errors import Error, check
from .reason import Reason, Status

_INT_MAX = 2**31 - 1
Address = Tuple[str, Union[int, str]]
SocketLike = Union[socket.socket, int]

# The socket-time status of each socket this module made: a connection whose
# socket() had to fall back to TCP cannot tell that itself later.
_created: "weakref.WeakKeyDictionary[socket.socket, Status]" = weakref.WeakKeyDictionary()


def fileno_of(sock: SocketLike) -> int:
    """The descriptor of a socket object or an int; TypeError otherwise."""
    if isinstance(sock, bool):
        raise TypeError("expected a socket or a file descriptor, not bool")
    if isinstance(sock, int):
        fd = sock
    else:
        fileno = getattr(sock, "fileno", None)
        if not callable(fileno):
            raise TypeError(f"expected a socket or a file descriptor, not {type(sock).__name__}")
        fd = fileno()
    if not -1 <= fd <= _INT_MAX:  # the C int would not hold it; -1 is a closed socket
        raise Error(errno.EBADF)
    return fd


def _family(family: int) -> int:
    if isinstance(family, bool) or not isinstance(family, int):
        raise TypeError(f"family must be an int (socket.AF_*), not {type(family).__name__}")
    return int(family)


def _split(address: Address, what: str) -> Tuple[Optional[bytes], bytes]:
    """(host, port) as the C strings the library wants."""
    if not isinstance(address, tuple) or len(address) < 2:
        raise TypeError(f"{what}: address must be a (host, port) tuple")
    host, port = address[0], address[1]
    if host is not None and not isinstance(host, str):
        raise TypeError(f"{what}: host must be a str, not {type(host).__name__}")
    if isinstance(port, bool) or not isinstance(port, (int, str)):
        raise TypeError(f"{what}: port must be an int or a str, not {type(port).__name__}")
    if "\0" in (host or "") + str(port):
        raise ValueError(f"{what}: embedded null character")
    return (host.encode() if host else None), str(port).encode()


def _wrap(fd: int, st: MpkStatus) -> socket.socket:
    sock = socket.socket(fileno=fd)
    _created[sock] = Status._from_c(st)
    return sock


def _wait_writable(fd: int, deadline: Optional[float]) -> None:
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    while True:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        if poller.poll(None if left is None else left * 1000):
            return
        if left is not None and left <= 0:
            raise socket.timeout("timed out")


def _steps(conn: ctypes.c_void_p, st: MpkStatus, deadline: Optional[float]) -> int:
    """Step the connector until it is done, waiting for each attempt until
    deadline (time.monotonic(); None: no bound); the descriptor, or -errno."""
    while (fd := lib.mpk_connector_step(conn, st)) == -errno.EINPROGRESS:
        _wait_writable(lib.mpk_connector_fd(conn), deadline)
    return fd


def create_connection(address: Address, timeout: Optional[float] = None, *,
                      family: int = 0, mptcp: bool = True) -> socket.socket:
    """Connect to (host, port) over MPTCP, falling back to TCP, trying each
    address of host in turn (like socket.create_connection). family is 0
    (any), AF_INET or AF_INET6; timeout (seconds) bounds the whole connect
    and is then set on the socket. mptcp=False asks for plain TCP.
    status(sock) then tells whether MPTCP is used and why not."""
    host, port = _split(address, "create_connection")
    if host is None:
        raise ValueError("create_connection: a host is needed")
    flags = MPK_CLOEXEC | (0 if mptcp else MPK_TCP_ONLY)
    deadline = None if timeout is None else time.monotonic() + timeout
    conn = ctypes.c_void_p()
    check(lib.mpk_connector_new(host, port, _family(family), flags, ctypes.byref(conn)),
          f"connect to {address[0]} port {address[1]}")
    st = MpkStatus()
    try:
        fd = _steps(conn, st, deadline)
        check(fd, f"connect to {address[0]} port {address[1]}")
    finally:
        lib.mpk_connector_free(conn)
    sock = _wrap(fd, st)
    sock.settimeout(timeout)
    return sock


async def _steps_async(conn: ctypes.c_void_p, st: MpkStatus) -> int:
    """Step the connector until it is done, waiting for each attempt on the
    running loop; the descriptor, or -errno."""
    loop = asyncio.get_running_loop()
    while (fd := lib.mpk_connector_step(conn, st)) == -errno.EINPROGRESS:
        writable = loop.create_future()
        pending = lib.mpk_connector_fd(conn)
        loop.add_writer(pending, lambda: writable.done() or writable.set_result(None))
        try:
            await writable
        finally:
            loop.remove_writer(pending)
    return fd


async def connect_async(address: Address, *, family: int = 0,
                        mptcp: bool = True) -> socket.socket:
    """create_connection() for asyncio: the name is resolved in the loop's
    executor and the connect waits on the loop, never blocking it. Returns
    a non-blocking socket, e.g. for asyncio.open_connection(sock=...); use
    asyncio.wait_for() for a timeout."""
    host, port = _split(address, "connect_async")
    if host is None:
        raise ValueError("connect_async: a host is needed")
    flags = MPK_CLOEXEC | (0 if mptcp else MPK_TCP_ONLY)
    what = f"connect to {address[0]} port {address[1]}"
    conn = ctypes.c_void_p()
    loop = asyncio.get_running_loop()
    resolving = loop.run_in_executor(None, lib.mpk_connector_new, host, port,
                                     _family(family), flags, ctypes.byref(conn))
    try:
        rc = await asyncio.shield(resolving)
    except asyncio.CancelledError:  # the thread goes on: free what it makes
        resolving.add_done_callback(
            lambda f: f.cancelled() or f.result() < 0 or lib.mpk_connector_free(conn))
        raise
    check(rc, what)
    st = MpkStatus()
    try:
        fd = await _steps_async(conn, st)
        check(fd, what)
    finally:
        lib.mpk_connector_free(conn)
    sock = _wrap(fd, st)
    sock.setblocking(False)
    return sock


def create_server(address: Address, *, family: int = 0, backlog: Optional[int] = None,
                  dualstack: bool = True, mptcp: bool = True) -> socket.socket:
    """A listening socket on (host, port), MPTCP when the kernel allows.
    host "" or None is every address: with family 0 and dualstack one IPv6
    socket that takes IPv4 too where the system allows. SO_REUSEADDR is set;
    backlog None means SOMAXCONN. status(sock) says whether it is MPTCP."""
    host, port = _split(address, "create_server")
    fam = _family(family)
    if not dualstack and not host and fam == 0:
        fam = socket.AF_INET
    if backlog is not None and (isinstance(backlog, bool) or not isinstance(backlog, int)):
        raise TypeError("backlog must be an int")
    flags = MPK_CLOEXEC | (0 if mptcp else MPK_TCP_ONLY)
    st = MpkStatus()
    fd = lib.mpk_listen(host, port, fam, backlog or 0, flags, st)
    check(fd, f"listen on port {address[1]}")
    return _wrap(fd, st)


def accept(server: socket.socket) -> Tuple[socket.socket, tuple]:
    """server.accept(), then the new connection's status is remembered
    (fallback when the peer did not speak MPTCP; the listener's reason when
    the listener itself is TCP)."""
    conn, peer = server.accept()
    listener = _created.get(server)
    if listener is not None and not listener.mptcp:
        _created[conn] = listener
    return conn, peer


def is_mptcp(sock: SocketLike) -> bool:
    """Does this live connection (or listener) run MPTCP? False for plain
    TCP and for connections that fell back. Error for closed or non-TCP
    sockets."""
    return bool(check(lib.mpk_is_mptcp(fileno_of(sock)), "is_mptcp"))


def subflow_count(sock: SocketLike) -> int:
    """How many subflows this live connection has, the first included; 0
    when it is not MPTCP (plain TCP, or fallen back). One getsockopt, cheap
    enough for every connection (info() also names each subflow's
    interface). Error for closed or non-TCP sockets."""
    return check(lib.mpk_subflow_count(fileno_of(sock)), "subflow_count")


def status(sock: SocketLike) -> Status:
    """Why this socket does or does not use MPTCP: the socket-time reason
    when socket() could not have MPTCP, else available or fallback."""
    fd = fileno_of(sock)
    st = MpkStatus()
    check(lib.mpk_conn_status(fd, st), "status")
    made = _created.get(sock) if isinstance(sock, socket.socket) else None
    if made is not None and made.reason not in (Reason.AVAILABLE, Reason.FALLBACK):
        return made
    return Status._from_c(st)


def socket_status(sock: socket.socket) -> Optional[Status]:
    """The status this module recorded when it made sock (None for sockets
    made elsewhere), without asking the kernel again."""
    return _created.get(sock)
