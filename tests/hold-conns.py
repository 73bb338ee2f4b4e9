#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Open connections and keep them, for the tests and benchmarks of ss, top
and the exporter (tests/netns/35-*..39-*, bench/ss-scale.sh).

  hold-conns.py serve PORT [--tcp] [--v6] [--echo]
      accept forever and keep every connection (--echo: send back what
      arrives, so the client's bytes come back and both ends count them)
  hold-conns.py open HOST PORT N [--tcp] [--send BYTES] [--rate BPS]
      open N connections, send BYTES on each (default 1000), print
      "connected N" and keep them until killed; --rate: keep sending on
      every connection, BPS bytes per second in all (bounded: 1 hour)
"""
import argparse
import selectors
import socket
import sys
import time

IPPROTO_MPTCP = 262


def new_socket(family, tcp):
    return socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP if tcp else IPPROTO_MPTCP)


def serve(a):
    family = socket.AF_INET6 if a.v6 else socket.AF_INET
    lsock = new_socket(family, a.tcp)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("::" if a.v6 else "0.0.0.0", a.port))
    lsock.listen(4096)
    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is lsock:
                conn, _ = lsock.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ)
                continue
            try:
                data = key.fileobj.recv(65536)
            except (BlockingIOError, ConnectionError):
                continue
            if not data:
                sel.unregister(key.fileobj)
                key.fileobj.close()
            elif a.echo:
                try:
                    key.fileobj.send(data)
                except (BlockingIOError, ConnectionError):
                    pass


def keep_sending(conns, rate):
    chunk = b"x" * 16384
    end = time.monotonic() + 3600
    while time.monotonic() < end:
        for c in conns:
            try:
                c.send(chunk)
            except (BlockingIOError, ConnectionError):
                pass
        time.sleep(len(conns) * len(chunk) / rate)


def open_conns(a):
    family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    conns = []
    for _ in range(a.n):
        c = new_socket(family, a.tcp)
        c.connect((a.host, a.port))
        c.sendall(b"x" * a.send)
        conns.append(c)
    print(f"connected {len(conns)}", flush=True)
    if a.rate:
        for c in conns:
            c.setblocking(False)
        keep_sending(conns, a.rate)
    else:
        time.sleep(3600)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("port", type=int)
    s.add_argument("--tcp", action="store_true")
    s.add_argument("--v6", action="store_true")
    s.add_argument("--echo", action="store_true")
    o = sub.add_parser("open")
    o.add_argument("host")
    o.add_argument("port", type=int)
    o.add_argument("n", type=int)
    o.add_argument("--tcp", action="store_true")
    o.add_argument("--send", type=int, default=1000)
    o.add_argument("--rate", type=float, default=0)
    a = p.parse_args()
    try:
        serve(a) if a.cmd == "serve" else open_conns(a)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
