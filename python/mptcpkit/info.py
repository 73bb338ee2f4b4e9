# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a live connection is made of: MPTCP counters and subflows."""
import ctypes
import enum
import socket
from dataclasses import dataclass, field, fields
from typing import List, Optional, Tuple

from ._abi import MpkConnInfo, MpkInfo, MpkSubflowInfo, SockaddrStorage, lib
from .errors import check
from .sockets import SocketLike, fileno_of


class InfoSource(enum.IntEnum):
    """enum mpk_info_source: which kernel interface the numbers came from."""

    FULL = 1    # MPTCP_FULL_INFO (6.5+)
    LEGACY = 2  # MPTCP_INFO + MPTCP_SUBFLOW_ADDRS + MPTCP_TCPINFO (5.16+)
    TCP = 3     # not MPTCP: the socket's own TCP_INFO


@dataclass(frozen=True)
class ConnInfo:
    """MPTCP-level counters (struct mpk_conn_info). Counters this kernel does
    not have are None, never zero: retransmits and bytes_* before 6.5,
    last_* before 6.10."""

    subflows: int  # extra subflows, not counting the first
    subflows_total: int
    subflows_max: int
    add_addr_signal: int
    add_addr_accepted: int
    add_addr_signal_max: int
    add_addr_accepted_max: int
    local_addr_used: int
    local_addr_max: int
    csum_enabled: bool
    fallback: bool
    remote_key_received: bool
    flags: int
    token: int  # the connection's token, as in the path-manager events
    write_seq: int
    snd_una: int
    rcv_nxt: int
    retransmits: Optional[int]
    bytes_retrans: Optional[int]
    bytes_sent: Optional[int]
    bytes_received: Optional[int]
    bytes_acked: Optional[int]
    last_data_sent_ms: Optional[int]
    last_data_recv_ms: Optional[int]
    last_ack_recv_ms: Optional[int]


_KNOWN_BYTES, _KNOWN_LAST = 1 << 0, 1 << 2  # MPK_CONN_KNOWN_*
_BYTES = ("retransmits", "bytes_retrans", "bytes_sent", "bytes_received", "bytes_acked")
_LAST = ("last_data_sent_ms", "last_data_recv_ms", "last_ack_recv_ms")


@dataclass(frozen=True)
class Subflow:
    """One subflow (struct mpk_subflow_info); for a connection that is not
    MPTCP, the TCP connection itself. The TCP counters are zero when
    has_tcp_info is false."""

    id: int
    local: Optional[Tuple[str, int]]   # (host, port)
    remote: Optional[Tuple[str, int]]
    ifindex: int
    ifname: str
    has_tcp_info: bool
    state: int     # TCP state: 1 is TCP_ESTABLISHED
    ca_state: int
    rtt_us: int
    rttvar_us: int
    min_rtt_us: int
    snd_cwnd: int
    snd_ssthresh: int
    snd_mss: int
    rcv_mss: int
    unacked: int
    lost: int
    retrans: int
    total_retrans: int
    last_data_sent_ms: int
    last_data_recv_ms: int
    pacing_rate: int
    delivery_rate: int
    bytes_acked: int
    bytes_received: int
    bytes_sent: int
    bytes_retrans: int
    segs_out: int
    segs_in: int

    @property
    def rtt(self) -> float:
        """Smoothed round-trip time in seconds."""
        return self.rtt_us / 1e6

    @property
    def cwnd(self) -> int:
        """Congestion window in segments."""
        return self.snd_cwnd


@dataclass(frozen=True)
class Info:
    """A connection as mpk_info_get() sees it."""

    mptcp: bool
    source: InfoSource
    conn: Optional[ConnInfo]  # None when the connection is not MPTCP
    subflows: List[Subflow] = field(default_factory=list)
    truncated: bool = False  # the kernel had more subflows than the library keeps


def sockaddr_tuple(ss: SockaddrStorage) -> Optional[Tuple[str, int]]:
    """(host, port) of a struct sockaddr_storage; None for another family."""
    raw = bytes(ss)
    if ss.ss_family == socket.AF_INET:
        return socket.inet_ntop(socket.AF_INET, raw[4:8]), int.from_bytes(raw[2:4], "big")
    if ss.ss_family == socket.AF_INET6:
        return socket.inet_ntop(socket.AF_INET6, raw[8:24]), int.from_bytes(raw[2:4], "big")
    return None


def _copy(cls, cstruct, **override):
    values = {f.name: getattr(cstruct, f.name) for f in fields(cls) if f.name not in override}
    return cls(**values, **override)


def _subflow(s: MpkSubflowInfo) -> Subflow:
    return _copy(Subflow, s, local=sockaddr_tuple(s.local), remote=sockaddr_tuple(s.remote),
                 ifname=s.ifname.decode(errors="replace"), has_tcp_info=bool(s.has_tcp_info))


def _conn(c: MpkConnInfo) -> ConnInfo:
    unknown = {}
    if not c.known & _KNOWN_BYTES:
        unknown.update(dict.fromkeys(_BYTES))
    if not c.known & _KNOWN_LAST:
        unknown.update(dict.fromkeys(_LAST))
    return _copy(ConnInfo, c, csum_enabled=bool(c.csum_enabled), fallback=bool(c.fallback),
                 remote_key_received=bool(c.remote_key_received), **unknown)


def info(sock: SocketLike) -> Info:
    """Counters and subflows of a connected socket (MPTCP or TCP)."""
    ci = MpkInfo()
    check(lib.mpk_info_get(fileno_of(sock), ci), "info")
    count = min(ci.num_subflows, len(ci.subflow))
    return Info(mptcp=bool(ci.mptcp), source=InfoSource(ci.source),
                conn=_conn(ci.conn) if ci.mptcp else None,
                subflows=[_subflow(ci.subflow[i]) for i in range(count)],
                truncated=bool(ci.truncated))


@dataclass(frozen=True)
class ConnState:
    """mpk_conn_state_get(): the MPTCP-level counters and how many subflows
    are established now."""

    conn: ConnInfo
    established: int


def conn_state(sock: SocketLike) -> ConnState:
    """The counters and established subflows of a live MPTCP connection,
    cheaply enough to poll every few milliseconds (one getsockopt on 6.5+;
    no addresses or interface names: info() has those). Raises Error
    (EOPNOTSUPP or ENOPROTOOPT) when the connection is not MPTCP or the
    kernel predates 5.16."""
    conn = MpkConnInfo()
    established = ctypes.c_uint()
    check(lib.mpk_conn_state_get(fileno_of(sock), conn, ctypes.byref(established)),
          "conn_state")
    return ConnState(conn=_conn(conn), established=established.value)
