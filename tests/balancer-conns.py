#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Many MPTCP connections through a load balancer, each checked end to end
(tests/netns/97-pmd-balanced.sh, bench/balancer.sh).

  balancer-conns.py serve PORT
      an echo server: every byte that arrives goes back (buffered: none lost)
  balancer-conns.py open HOST PORT N BYTES [--socks]
      open N connections (--socks: through a SOCKS5 server at HOST:PORT to
      127.0.0.1:7777 on its side), send BYTES of random data on each and
      read them back; prints "round 1 conns N mptcp M intact K"; then each
      line "round" on stdin repeats the exchange on every connection
      (another line of output); EOF ends it
  balancer-conns.py rate HOST PORT SECONDS
      open, exchange 1 KiB, close, in a loop: prints "conns N mptcp M"
  balancer-conns.py ratepair HOST1 HOST2 PORT SECONDS [--tcp]
      the same to HOST1 and HOST2 in turns of 0.5 s (a machine's load
      drifts: both see the same), SECONDS each (--tcp: plain TCP
      sockets, to tell what MPTCP adds from what the path costs); a HOST
      may be several addresses with commas, one connection to each in
      turn (the backends without the balancer); prints
      "HOST1 RATE1 mptcp M1 HOST2 RATE2 mptcp M2" (connections per second)
"""
import os
import selectors
import socket
import struct
import sys
import time

from mptcp_sock import is_mptcp

IPPROTO_MPTCP = 262


def serve(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(4096)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    out = {}
    while True:
        for key, ev in sel.select():
            s = key.fileobj
            if s is ls:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                c.setblocking(False)
                out[c] = b""
                sel.register(c, selectors.EVENT_READ)
                continue
            if ev & selectors.EVENT_READ:
                try:
                    data = s.recv(1 << 16)
                except BlockingIOError:
                    data = None
                except ConnectionError:
                    data = b""
                if data == b"":
                    sel.unregister(s)
                    del out[s]
                    s.close()
                    continue
                if data:
                    out[s] += data
            if out[s]:
                try:
                    n = s.send(out[s])
                    out[s] = out[s][n:]
                except BlockingIOError:
                    pass
                except ConnectionError:
                    continue
            sel.modify(s, selectors.EVENT_READ | (selectors.EVENT_WRITE if out[s] else 0))


def socks_connect(s):
    """SOCKS5, no authentication, CONNECT 127.0.0.1:7777 (the server's echo)."""
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        raise ConnectionError("socks: no method")
    s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 7777))
    rep = b""
    while len(rep) < 10:
        part = s.recv(10 - len(rep))
        if not part:
            raise ConnectionError("socks: closed")
        rep += part
    if rep[1] != 0:
        raise ConnectionError(f"socks: reply {rep[1]}")



def exchange(s, nbytes):
    data = os.urandom(nbytes)
    s.sendall(data)
    got = bytearray()
    while len(got) < nbytes:
        part = s.recv(nbytes - len(got))
        if not part:
            return False
        got += part
    return bytes(got) == data


def new_conn(host, port, socks, proto=IPPROTO_MPTCP):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    s.settimeout(30)
    s.connect((host, port))
    if socks:
        socks_connect(s)
    return s


def do_round(k, conns, nbytes):
    intact = 0
    for s in conns:
        try:
            intact += exchange(s, nbytes)
        except OSError:
            pass
    mptcp = sum(is_mptcp(s) for s in conns)
    print(f"round {k} conns {len(conns)} mptcp {mptcp} intact {intact}", flush=True)


def open_conns(host, port, n, nbytes, socks):
    conns = []
    for _ in range(n):
        try:
            conns.append(new_conn(host, port, socks))
        except OSError as e:
            print(f"connect: {e}", file=sys.stderr, flush=True)
    do_round(1, conns, nbytes)
    k = 1
    for line in sys.stdin:
        if line.strip() == "round":
            k += 1
            do_round(k, conns, nbytes)


def rate(host, port, seconds):
    end, n, mptcp = time.monotonic() + seconds, 0, 0
    while time.monotonic() < end:
        s = new_conn(host, port, False)
        if exchange(s, 1024):
            n += 1
            mptcp += is_mptcp(s)
        s.close()
    print(f"conns {n} mptcp {mptcp}", flush=True)


def burst(host, port, seconds, proto):
    """host: one address, or several with commas, taken in turn."""
    hosts = host.split(",")
    end, n, mptcp = time.monotonic() + seconds, 0, 0
    while time.monotonic() < end:
        s = new_conn(hosts[n % len(hosts)], port, False, proto)
        if exchange(s, 1024):
            n += 1
            mptcp += is_mptcp(s)
        s.close()
    return n, mptcp


def ratepair(hosts, port, seconds, proto):
    count = {h: [0, 0, 0.0] for h in hosts}
    turns = max(1, int(seconds / 0.5))
    for i in range(turns):
        for h in (hosts if i % 2 == 0 else hosts[::-1]):
            t0 = time.monotonic()
            n, m = burst(h, port, 0.5, proto)
            c = count[h]
            c[0] += n
            c[1] += m
            c[2] += time.monotonic() - t0
    print(" ".join("%s %.1f mptcp %d" % (h, count[h][0] / count[h][2], count[h][1])
                   for h in hosts), flush=True)


def main():
    a = sys.argv[1:]
    if a[:1] == ["serve"]:
        serve(int(a[1]))
    elif a[:1] == ["open"]:
        open_conns(a[1], int(a[2]), int(a[3]), int(a[4]), "--socks" in a)
    elif a[:1] == ["ratepair"]:
        ratepair(a[1:3], int(a[3]), float(a[4]),
                 socket.IPPROTO_TCP if "--tcp" in a else IPPROTO_MPTCP)
    elif a[:1] == ["rate"]:
        rate(a[1], int(a[2]), float(a[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
