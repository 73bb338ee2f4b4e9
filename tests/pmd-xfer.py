#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny MPTCP sender and receiver for the pmd tests and benchmark.

  pmd-xfer.py serve PORT [LOG]        one connection; prints "SHA256 BYTES";
                                      LOG: "time bytes-received" every 20 ms
  pmd-xfer.py send HOST PORT FILE     send FILE, then close
  pmd-xfer.py send HOST PORT -t SECS  send zeros for SECS seconds
  pmd-xfer.py serve-send PORT FILE    one connection; send FILE to it, then
                                      wait for the client to close
  pmd-xfer.py recv HOST PORT [LOG]    connect, receive until the end; prints
                                      "SHA256 BYTES" (LOG as for serve)

The server keeps its listener open while it receives: a join (extra
subflow) needs a listening socket on the port, and a half-closed
connection refuses joins, so the server never sends or shuts down first.
With MPK_XFER_HALFCLOSE=1 in the environment a receiver (serve, recv)
half-closes at once instead, as a netcat-like tool with its input at EOF
does: the kernel then refuses every join (issue 24). With MPK_XFER_SAVE=FILE
a receiver also writes what it received to FILE (to find where a stream
that arrived damaged differs).
"""
import hashlib
import os
import socket
import sys
import time

IPPROTO_MPTCP = 262


def listener(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(8)
    return ls


def serve(port, log=None):
    ls = listener(port)  # kept open: joins need it
    conn, _ = ls.accept()
    receive(conn, log)


def send(host, port, path, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.connect((host, port))
    if seconds is None:
        with open(path, "rb") as f:
            while True:
                buf = f.read(1 << 18)
                if not buf:
                    break
                s.sendall(buf)
    else:
        zeros, end = bytes(1 << 16), time.monotonic() + seconds
        while time.monotonic() < end:
            s.sendall(zeros)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the server to close: everything was received


def receive(conn, log):
    if os.environ.get("MPK_XFER_HALFCLOSE") == "1":
        conn.shutdown(socket.SHUT_WR)
    digest, total = hashlib.sha256(), 0
    logf = open(log, "w", buffering=1) if log else None
    save = os.environ.get("MPK_XFER_SAVE")
    savef = open(save, "wb") if save else None
    next_log = 0.0
    while True:
        buf = conn.recv(1 << 20)
        if not buf:
            break
        digest.update(buf)
        if savef:
            savef.write(buf)
        total += len(buf)
        if logf and time.time() >= next_log:
            logf.write(f"{time.time():.4f} {total}\n")
            next_log = time.time() + 0.02
    if logf:
        logf.close()
    if savef:
        savef.close()
    print(digest.hexdigest(), total, flush=True)


def serve_send(port, path):
    """The download direction: the server sends, the client (where pmd
    runs) receives, so pmd must make the peer leave a dead path."""
    ls = listener(port)  # kept open: joins need it
    conn, _ = ls.accept()
    with open(path, "rb") as f:
        while True:
            buf = f.read(1 << 18)
            if not buf:
                break
            conn.sendall(buf)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)  # the listener stays open for joins until the client closes


def recv(host, port, log=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.connect((host, port))
    receive(s, log)
    s.close()


def main(argv):
    if len(argv) in (3, 4) and argv[1] == "serve":
        serve(int(argv[2]), argv[3] if len(argv) == 4 else None)
    elif len(argv) == 5 and argv[1] == "send":
        send(argv[2], int(argv[3]), argv[4], None)
    elif len(argv) == 6 and argv[1] == "send" and argv[4] == "-t":
        send(argv[2], int(argv[3]), None, float(argv[5]))
    elif len(argv) == 4 and argv[1] == "serve-send":
        serve_send(int(argv[2]), argv[3])
    elif len(argv) in (4, 5) and argv[1] == "recv":
        recv(argv[2], int(argv[3]), argv[4] if len(argv) == 5 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
