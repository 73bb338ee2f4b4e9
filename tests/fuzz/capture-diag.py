#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Save sock_diag replies of the running kernel as seeds for
fuzz-diag-parse: the same requests as tools/diag/diag.c (MPTCP connections and
listeners from mptcp_diag, TCP sockets with INET_DIAG_INFO), one message
per file, at most MAX per kind. Run it where MPTCP connections exist
(tests/fuzz/capture-diag.sh sets some up).
  capture-diag.py OUTDIR [MAX]"""
import os
import socket
import struct
import sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
INET_DIAG_INFO, INET_DIAG_REQ_PROTOCOL = 2, 3
NLMSG_DONE, NLMSG_ERROR = 3, 2


def request(family, protocol, states, seq):
    req = struct.pack("=BBBBI", family, protocol & 0xFF, 1 << (INET_DIAG_INFO - 1), 0, states)
    req += bytes(48)  # struct inet_diag_sockid
    if protocol > 255:
        req += struct.pack("=HHI", 8, INET_DIAG_REQ_PROTOCOL, protocol)
    return struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY,
                       NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + req


def dump(sock, family, protocol, states, seq):
    sock.send(request(family, protocol, states, seq))
    while True:
        buf = sock.recv(65536)
        off = 0
        while off + 16 <= len(buf):
            length, kind = struct.unpack_from("=IH", buf, off)
            if kind in (NLMSG_DONE, NLMSG_ERROR):
                return
            yield buf[off:off + length]
            off += (length + 3) & ~3


def main():
    out, limit = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6
    os.makedirs(out, exist_ok=True)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    kinds = [("mptcp", 262, 0xFFFF & ~(1 << 10)), ("listen", 262, 1 << 10),
             ("tcp", 6, 0xFFFF & ~((1 << 10) | (1 << 6)))]
    seq = 1
    for name, proto, states in kinds:
        n = 0
        for family in (socket.AF_INET, socket.AF_INET6):
            for msg in dump(sock, family, proto, states, seq):
                if n < limit:
                    with open(os.path.join(out, f"{name}-{n:02d}.bin"), "wb") as f:
                        f.write(msg)
                    n += 1
            seq += 1
        print(f"{name}: {n} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
