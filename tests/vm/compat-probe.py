#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What the running kernel has, asked without libmptcpkit, for
tests/vm/cases/30-compat.sh to hold `mptcpkit -j check`'s table against:
one JSON object {feature name: true/false} for the features a few socket
options and sysctl files can tell."""
import errno
import json
import os
import socket

IPPROTO_MPTCP, SOL_MPTCP, SOL_TCP = 262, 284, 6
MPTCP_INFO, MPTCP_FULL_INFO, TCP_IS_MPTCP = 1, 4, 43
BYTES_ACKED_END = 80  # offsetof(struct mptcp_info, mptcpi_bytes_acked) + 8


def mptcp_socket():
    try:
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    except OSError as e:
        if e.errno in (errno.EINVAL, errno.EPROTONOSUPPORT):
            return None
        raise


def has_option(sock, level, name, size=512):
    try:
        return len(sock.getsockopt(level, name, size))
    except OSError as e:
        if e.errno in (errno.EOPNOTSUPP, errno.ENOPROTOOPT):
            return 0
        if e.errno in (errno.EINVAL, errno.EFAULT):
            return 1  # known to the kernel, refusing this buffer (FULL_INFO's header)
        raise


def main():
    s = mptcp_socket()
    out = {"mptcp": s is not None}
    info = has_option(s, SOL_MPTCP, MPTCP_INFO) if s else 0
    out["mptcp-info"] = info > 0
    out["byte-counters"] = info >= BYTES_ACKED_END
    out["full-info"] = bool(s and has_option(s, SOL_MPTCP, MPTCP_FULL_INFO))
    out["tcp-is-mptcp"] = bool(s and has_option(s, SOL_TCP, TCP_IS_MPTCP, 4))
    for name, sysctl in (("scheduler", "scheduler"), ("blackhole", "blackhole_timeout"),
                         ("path-manager", "path_manager")):
        out[name] = os.path.exists("/proc/sys/net/mptcp/" + sysctl)
    print(json.dumps(out))


main()
