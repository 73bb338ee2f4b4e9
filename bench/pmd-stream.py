#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One MPTCP transfer in either direction, checksummed at both ends, for
bench/pmd-paths.sh (tests/pmd-xfer.py only sends from the client, and
sends zeros when timed).

  pmd-stream.py serve PORT send|recv SECONDS LOG
  pmd-stream.py connect HOST PORT send|recv SECONDS LOG

The side that sends writes a pseudo-random pattern for SECONDS, then
half-closes and waits for the peer to close; the side that receives reads
until EOF, writes "time bytes-received" every 20 ms to LOG ("-": none),
then closes. Each side prints one JSON line: side, bytes, sha256 (and
error when the connection failed; then it exits 1).

The server keeps its listener open to the end: joins (extra subflows) need
a listening socket on the port.
"""
import hashlib
import json
import random
import socket
import sys
import time

IPPROTO_MPTCP = 262
# An odd length, so a lost or repeated chunk changes the checksum.
PATTERN = random.Random(8).randbytes((1 << 20) + 7)
CHUNK = 1 << 16
STALL_S = 30  # a connection without progress this long is dead


def send(conn, seconds):
    digest, total, end = hashlib.sha256(), 0, time.monotonic() + seconds
    view = memoryview(PATTERN + PATTERN[:CHUNK])
    while time.monotonic() < end:
        off = total % len(PATTERN)
        buf = view[off:off + CHUNK]
        conn.sendall(buf)
        digest.update(buf)
        total += len(buf)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)  # the peer closes once it has read everything
    return total, digest.hexdigest()


def recv(conn, log):
    digest, total, next_log = hashlib.sha256(), 0, 0.0
    logf = open(log, "w", buffering=1) if log != "-" else None  # kept if killed
    while True:
        buf = conn.recv(1 << 20)
        if not buf:
            break
        digest.update(buf)
        total += len(buf)
        if logf and time.time() >= next_log:
            logf.write(f"{time.time():.4f} {total}\n")
            next_log = time.time() + 0.02
    if logf:
        logf.write(f"{time.time():.4f} {total}\n")
        logf.close()
    return total, digest.hexdigest()


def transfer(conn, direction, seconds, log):
    conn.settimeout(STALL_S)
    if direction == "send":
        return send(conn, seconds)
    return recv(conn, log)


def serve(port, direction, seconds, log):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(8)
    conn, _ = ls.accept()
    try:
        return transfer(conn, direction, seconds, log)
    finally:
        conn.close()
        ls.close()


def connect(host, port, direction, seconds, log):
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    conn.connect((host, port))
    try:
        return transfer(conn, direction, seconds, log)
    finally:
        conn.close()


def main(argv):
    if len(argv) == 6 and argv[1] == "serve" and argv[3] in ("send", "recv"):
        run = lambda: serve(int(argv[2]), argv[3], float(argv[4]), argv[5])
        direction = argv[3]
    elif len(argv) == 7 and argv[1] == "connect" and argv[4] in ("send", "recv"):
        run = lambda: connect(argv[2], int(argv[3]), argv[4], float(argv[5]), argv[6])
        direction = argv[4]
    else:
        sys.exit(__doc__)
    side = "sender" if direction == "send" else "receiver"
    try:
        total, digest = run()
    except OSError as e:
        print(json.dumps({"side": side, "error": str(e)}), flush=True)
        sys.exit(1)
    print(json.dumps({"side": side, "bytes": total, "sha256": digest}), flush=True)


if __name__ == "__main__":
    main(sys.argv)
