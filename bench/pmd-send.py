#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The timed sender of bench/pmd-paths.sh, in either direction; the
receiving side is tests/pmd-xfer.py (serve PORT LOG, recv HOST PORT LOG).

  pmd-send.py serve PORT SECONDS       one connection, sent to
  pmd-send.py connect HOST PORT SECONDS

Sends a pseudo-random pattern for SECONDS (pmd-xfer.py's own timed mode
sends zeros, which a lost or repeated chunk would not change), half-closes,
waits for the peer to close, and prints "SHA256 BYTES" as pmd-xfer.py's
receiver does, so the two lines must be equal. SIGUSR1 ends the sending
early, the same way (the churn's end on a loaded machine, where its
commands take longer than planned).
"""
import hashlib
import importlib.util
import os
import random
import signal
import socket
import sys
import time

# An odd length, so a lost or repeated chunk changes the checksum.
PATTERN = random.Random(8).randbytes((1 << 20) + 7)
CHUNK = 1 << 16
STALL_S = 30  # a connection without progress this long is dead

_spec = importlib.util.spec_from_file_location(
    "xfer", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "pmd-xfer.py"))
xfer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(xfer)


def send(conn, seconds):
    digest, total, end = hashlib.sha256(), 0, time.monotonic() + seconds
    view = memoryview(PATTERN + PATTERN[:CHUNK])
    stop = []
    signal.signal(signal.SIGUSR1, lambda *_: stop.append(1))
    conn.settimeout(STALL_S)
    while time.monotonic() < end and not stop:
        off = total % len(PATTERN)
        buf = view[off:off + CHUNK]
        conn.sendall(buf)
        digest.update(buf)
        total += len(buf)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)  # the peer closes once it has read everything
    print(digest.hexdigest(), total, flush=True)


def main(argv):
    if len(argv) == 4 and argv[1] == "serve":
        ls = xfer.listener(int(argv[2]))  # kept open: joins need it
        conn, _ = ls.accept()
        send(conn, float(argv[3]))
    elif len(argv) == 5 and argv[1] == "connect":
        conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM, xfer.IPPROTO_MPTCP)
        conn.connect((argv[2], int(argv[3])))
        send(conn, float(argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
