# SPDX-License-Identifier: GPL-2.0-or-later
"""Is this socket's connection MPTCP? For the tests' Python peers, on every
kernel of the matrix: TCP_IS_MPTCP (6.10+), else MPTCP_INFO (5.16+), which
works on an MPTCP connection and fails on one that fell back to TCP (Debian
12's 6.1 has only the second: asking TCP_IS_MPTCP alone said "not MPTCP" for
every connection there)."""
import socket

SOL_MPTCP = 284
MPTCP_INFO = 1
TCP_IS_MPTCP = 43


def is_mptcp(s):
    try:
        return s.getsockopt(socket.IPPROTO_TCP, TCP_IS_MPTCP) == 1
    except OSError:
        pass
    try:
        s.getsockopt(SOL_MPTCP, MPTCP_INFO, 96)
        return True
    except OSError:
        return False
