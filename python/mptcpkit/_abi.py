# SPDX-License-Identifier: LGPL-2.1-or-later
"""The C ABI of libmptcpkit, as ctypes sees it: the library, its structures
and its function prototypes. Every structure mirrors include/mptcpkit.h
field by field (same names, same order); python/tests/test_layout.py
compiles a C program that checks each size and offset against the header.
"""
import ctypes
import os
from ctypes import (POINTER, Structure, Union, c_bool, c_char, c_char_p, c_int,
                    c_size_t, c_uint, c_uint8, c_uint16, c_uint32, c_uint64, c_ulong,
                    c_ushort, c_void_p)

SONAME = "libmptcpkit.so.1"
MIN_VERSION = (0, 1, 0)
IF_NAMESIZE = 16
SUBFLOWS_MAX = 16  # MPK_SUBFLOWS_MAX

# Constants of the header (checked against it by the layout test).
MPK_NONBLOCK = 0o4000  # SOCK_NONBLOCK
MPK_CLOEXEC = 0o2000000  # SOCK_CLOEXEC
MPK_TCP_ONLY = 0x1
MPK_LIMIT_KEEP = 0xFFFFFFFF
MPK_EHOSTNOTFOUND = 4096
MPK_ESERVICE = 4097
MPK_ERESOLVE = 4098


class In4(Structure):
    _c_name_ = "struct in_addr"
    _fields_ = [("s_addr", c_uint32)]


class In6(Union):
    _c_name_ = "struct in6_addr"
    _c_check_fields_ = ()  # glibc's member names are macros
    _fields_ = [("s6_addr", c_uint8 * 16), ("s6_addr32", c_uint32 * 4)]


class In46(Union):
    _c_name_ = "union mpk_in46"
    _fields_ = [("v4", In4), ("v6", In6)]


class SockaddrStorage(Structure):
    _c_name_ = "struct sockaddr_storage"
    _c_check_fields_ = ("ss_family",)
    _fields_ = [("ss_family", c_ushort), ("_ss_padding", c_char * 118),
                ("_ss_align", c_ulong)]


class MpkStatus(Structure):
    _c_name_ = "struct mpk_status"
    _fields_ = [("reason", c_int), ("error", c_int), ("mptcp", c_bool)]


class MpkConnInfo(Structure):
    _c_name_ = "struct mpk_conn_info"
    _fields_ = [
        ("subflows", c_uint8), ("subflows_total", c_uint8), ("subflows_max", c_uint8),
        ("add_addr_signal", c_uint8), ("add_addr_accepted", c_uint8),
        ("add_addr_signal_max", c_uint8), ("add_addr_accepted_max", c_uint8),
        ("local_addr_used", c_uint8), ("local_addr_max", c_uint8),
        ("csum_enabled", c_bool), ("fallback", c_bool), ("remote_key_received", c_bool),
        ("flags", c_uint32), ("token", c_uint32),
        ("write_seq", c_uint64), ("snd_una", c_uint64), ("rcv_nxt", c_uint64),
        ("retransmits", c_uint32), ("bytes_retrans", c_uint64), ("bytes_sent", c_uint64),
        ("bytes_received", c_uint64), ("bytes_acked", c_uint64),
        ("last_data_sent_ms", c_uint32), ("last_data_recv_ms", c_uint32),
        ("last_ack_recv_ms", c_uint32),
        ("known", c_uint32),  # MPK_CONN_KNOWN_*: which newer counters the kernel filled
    ]


class MpkSubflowInfo(Structure):
    _c_name_ = "struct mpk_subflow_info"
    _fields_ = [
        ("id", c_uint32), ("local", SockaddrStorage), ("remote", SockaddrStorage),
        ("ifindex", c_uint), ("ifname", c_char * IF_NAMESIZE), ("has_tcp_info", c_bool),
        ("state", c_uint8), ("ca_state", c_uint8),
        ("rtt_us", c_uint32), ("rttvar_us", c_uint32), ("min_rtt_us", c_uint32),
        ("snd_cwnd", c_uint32), ("snd_ssthresh", c_uint32), ("snd_mss", c_uint32),
        ("rcv_mss", c_uint32), ("unacked", c_uint32), ("lost", c_uint32),
        ("retrans", c_uint32), ("total_retrans", c_uint32),
        ("last_data_sent_ms", c_uint32), ("last_data_recv_ms", c_uint32),
        ("pacing_rate", c_uint64), ("delivery_rate", c_uint64),
        ("bytes_acked", c_uint64), ("bytes_received", c_uint64),
        ("bytes_sent", c_uint64), ("bytes_retrans", c_uint64),
        ("segs_out", c_uint32), ("segs_in", c_uint32),
    ]


class MpkInfo(Structure):
    _c_name_ = "struct mpk_info"
    _fields_ = [("mptcp", c_bool), ("source", c_int), ("conn", MpkConnInfo),
                ("num_subflows", c_uint), ("truncated", c_bool),
                ("subflow", MpkSubflowInfo * SUBFLOWS_MAX)]


class MpkEndpoint(Structure):
    _c_name_ = "struct mpk_endpoint"
    _fields_ = [("id", c_uint8), ("family", c_int), ("addr", In46), ("port", c_uint16),
                ("flags", c_uint32), ("ifindex", c_int)]


class MpkLimits(Structure):
    _c_name_ = "struct mpk_limits"
    _fields_ = [("subflows", c_uint32), ("add_addr_accepted", c_uint32)]


class MpkPmEvent(Structure):
    _c_name_ = "struct mpk_pm_event"
    _fields_ = [
        ("type", c_int), ("present", c_uint32), ("token", c_uint32), ("family", c_int),
        ("saddr", In46), ("daddr", In46), ("sport", c_uint16), ("dport", c_uint16),
        ("loc_id", c_uint8), ("rem_id", c_uint8), ("ifindex", c_int), ("backup", c_bool),
        ("error", c_uint8), ("flags", c_uint16), ("timeout", c_uint32),
        ("reset_reason", c_uint32), ("reset_flags", c_uint32), ("server_side", c_bool),
    ]


STRUCTS = (In4, In6, In46, SockaddrStorage, MpkStatus, MpkConnInfo, MpkSubflowInfo,
           MpkInfo, MpkEndpoint, MpkLimits, MpkPmEvent)

ENDPOINT_CB = ctypes.CFUNCTYPE(c_int, POINTER(MpkEndpoint), c_void_p)
EVENT_CB = ctypes.CFUNCTYPE(c_int, POINTER(MpkPmEvent), c_void_p)

_status_p = POINTER(MpkStatus)
_ep_p = POINTER(MpkEndpoint)
# name: (result, argument types). Handles are opaque: void pointers.
PROTOTYPES = {
    "mpk_version": (c_char_p, []),
    "mpk_strerror": (c_char_p, [c_int]),
    "mpk_reason_name": (c_char_p, [c_int]),
    "mpk_reason_describe": (c_char_p, [c_int]),
    "mpk_reason_from_errno": (c_int, [c_int]),
    "mpk_probe": (c_int, [c_int, _status_p]),
    "mpk_is_mptcp": (c_int, [c_int]),
    "mpk_conn_status": (c_int, [c_int, _status_p]),
    "mpk_subflow_count": (c_int, [c_int]),
    "mpk_connector_new": (c_int, [c_char_p, c_char_p, c_int, c_int, POINTER(c_void_p)]),
    "mpk_connector_new_addrs": (c_int, [POINTER(SockaddrStorage), c_size_t, c_int,
                                        POINTER(c_void_p)]),
    "mpk_connector_step": (c_int, [c_void_p, _status_p]),
    "mpk_connector_fd": (c_int, [c_void_p]),
    "mpk_connector_addr": (c_void_p, [c_void_p]),
    "mpk_connector_free": (None, [c_void_p]),
    "mpk_listen": (c_int, [c_char_p, c_char_p, c_int, c_int, c_int, _status_p]),
    "mpk_accept": (c_int, [c_int, c_void_p, c_void_p, c_int, _status_p]),
    "mpk_info_get": (c_int, [c_int, POINTER(MpkInfo)]),
    "mpk_conn_state_get": (c_int, [c_int, POINTER(MpkConnInfo), POINTER(c_uint)]),
    "mpk_pm_open": (c_int, [POINTER(c_void_p)]),
    "mpk_pm_close": (None, [c_void_p]),
    "mpk_pm_ext_ack": (c_char_p, [c_void_p]),
    "mpk_pm_endpoint_add": (c_int, [c_void_p, _ep_p]),
    "mpk_pm_endpoint_delete": (c_int, [c_void_p, _ep_p]),
    "mpk_pm_endpoint_set_flags": (c_int, [c_void_p, _ep_p]),
    "mpk_pm_endpoint_get": (c_int, [c_void_p, c_uint8, _ep_p]),
    "mpk_pm_endpoint_dump": (c_int, [c_void_p, ENDPOINT_CB, c_void_p]),
    "mpk_pm_endpoint_flush": (c_int, [c_void_p]),
    "mpk_pm_limits_get": (c_int, [c_void_p, POINTER(MpkLimits)]),
    "mpk_pm_limits_set": (c_int, [c_void_p, POINTER(MpkLimits)]),
    "mpk_pm_announce": (c_int, [c_void_p, c_uint32, _ep_p]),
    "mpk_pm_remove": (c_int, [c_void_p, c_uint32, c_uint8]),
    "mpk_pm_subflow_create": (c_int, [c_void_p, c_uint32, _ep_p, _ep_p]),
    "mpk_pm_subflow_destroy": (c_int, [c_void_p, c_uint32, _ep_p, _ep_p]),
    "mpk_pm_subflow_set_backup": (c_int, [c_void_p, c_uint32, _ep_p, _ep_p, c_bool]),
    "mpk_endpoint_flag_name": (c_char_p, [c_uint32]),
    "mpk_endpoint_flag_from_name": (c_int, [c_char_p, POINTER(c_uint32)]),
    "mpk_pm_events_open": (c_int, [POINTER(c_void_p)]),
    "mpk_pm_events_close": (None, [c_void_p]),
    "mpk_pm_event_fd": (c_int, [c_void_p]),
    "mpk_pm_event_read": (c_int, [c_void_p, EVENT_CB, c_void_p]),
    "mpk_pm_event_name": (c_char_p, [c_int]),
}


def _parse_version(text):
    try:
        return tuple(int(x) for x in text.split(".")[:3])
    except ValueError:
        return (0, 0, 0)


def _load():
    """Open the library and declare every prototype, or raise one ImportError
    that names what is missing and the version found."""
    path = os.environ.get("MPTCPKIT_LIBRARY") or SONAME
    try:
        lib = ctypes.CDLL(path, use_errno=True)
    except OSError as e:
        raise ImportError(f"mptcpkit: cannot load the C library {path} (package libmptcpkit0): "
                          f"{e}") from None
    version = "unknown (no mpk_version)"
    if hasattr(lib, "mpk_version"):
        lib.mpk_version.restype = c_char_p
        version = lib.mpk_version().decode()
    missing = [name for name in PROTOTYPES if not hasattr(lib, name)]
    want = ".".join(map(str, MIN_VERSION))
    if missing or _parse_version(version) < MIN_VERSION:
        what = f"missing {', '.join(missing)}; " if missing else ""
        raise ImportError(f"mptcpkit: {path} is too old: {what}version {version} found, "
                          f"{want} or later needed")
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib, version


lib, VERSION = _load()


def text(value):
    """A C string from the library as str ("" for NULL)."""
    return value.decode(errors="replace") if value else ""
