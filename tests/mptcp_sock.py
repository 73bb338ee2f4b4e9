# SPDX-License-Identifier: GPL-2.0-or-later
"""Is this socket's connection MPTCP? For the tests' Python peers, on every
kernel of the matrix, as lib/detect.c asks: TCP_IS_MPTCP (6.10+); before
6.10 its errno answers (EOPNOTSUPP: an MPTCP socket refused the option;
ENOPROTOOPT: a fallen-back or TCP one handed it to TCP). Asking
TCP_IS_MPTCP alone said "not MPTCP" for every connection on Debian 12's
6.1."""
import errno
import socket

TCP_IS_MPTCP = 43


def is_mptcp(s):
    try:
        return s.getsockopt(socket.IPPROTO_TCP, TCP_IS_MPTCP) == 1
    except OSError as e:
        return e.errno == errno.EOPNOTSUPP
