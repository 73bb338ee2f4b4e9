# SPDX-License-Identifier: LGPL-2.1-or-later
"""mptcpkit: Multipath TCP for Python, through libmptcpkit.

Sockets are standard socket.socket objects that use MPTCP when the kernel
and the peer allow, and plain TCP otherwise; the library tells why:

    import mptcpkit
    sock = mptcpkit.create_connection(("example.org", 443), timeout=5)
    st = mptcpkit.status(sock)          # Status(reason, errno, mptcp)
    n = mptcpkit.subflow_count(sock)    # 0 when not MPTCP; one getsockopt
    cs = mptcpkit.conn_state(sock)      # counters + established subflows, to poll
    if not st.mptcp:
        print("TCP:", st.reason, "-", st.reason.description)
    for sf in mptcpkit.info(sock).subflows:
        print(sf.local, "->", sf.remote, sf.ifname, sf.rtt, sf.cwnd)

    addrs = socket.getaddrinfo("example.org", 443, type=socket.SOCK_STREAM)
    sock = mptcpkit.connect_addrs(addrs, timeout=5)   # resolved once, reused

    server = mptcpkit.create_server(("", 5000))
    conn, peer = mptcpkit.accept(server)

Path management (CAP_NET_ADMIN for changes):

    with mptcpkit.PathManager() as pm:
        pm.add_endpoint("10.0.2.1", dev="eth1", flags="subflow")
        pm.set_limits(subflows=2)
    with mptcpkit.Events() as events:   # fileno() for selectors and asyncio
        for ev in events:
            print(ev.name, ev.token, ev.saddr, ev.daddr)

Failures raise mptcpkit.Error (an OSError) with the library's message;
PathManagerError adds the kernel's extended ACK text.
"""
from ._abi import VERSION as library_version
from .errors import Error, PathManagerError, ResolveError
from .events import Event, Events, EventType
from .info import ConnInfo, ConnState, Info, InfoSource, Subflow, conn_state, info
from .pm import Endpoint, EndpointFlag, Limits, PathManager
from .reason import Reason, Status, probe
from .sockets import (accept, connect_async, create_connection, create_server, is_mptcp,
                      socket_status, status, subflow_count)
from .connector import connect_addrs, connect_addrs_async

__version__ = "0.1.0"

__all__ = [
    "ConnInfo", "ConnState", "Endpoint", "EndpointFlag", "Error", "Event", "EventType", "Events", "Info",
    "InfoSource", "Limits", "PathManager", "PathManagerError", "Reason", "ResolveError",
    "Status", "Subflow", "accept", "conn_state", "connect_addrs", "connect_addrs_async", "connect_async",
    "create_connection", "create_server", "info", "is_mptcp", "library_version", "probe",
    "socket_status", "status", "subflow_count",
]
