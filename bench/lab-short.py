#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Short transfers over fresh connections, for bench/lab-profiles.sh.

  lab-short.py serve PORT [--nodelay]     MPTCP listener (takes TCP too): each
                                          connection sends an 8-byte size and
                                          gets that many bytes, then the close;
                                          --nodelay: TCP_NODELAY on each accepted
                                          socket, as web servers do (nginx's
                                          tcp_nodelay, Go's default)
  lab-short.py get HOST PORT SIZE REPS [--tcp]
                                          REPS downloads of SIZE bytes, each on
                                          a new connection; prints the seconds
                                          from connect() to the last byte, one
                                          line each ("FAIL" for a short one)
"""
import socket
import struct
import sys
import time

IPPROTO_MPTCP = 262
CHUNK = bytes(1 << 16)


def serve(port, nodelay):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(16)
    while True:
        conn, _ = ls.accept()
        try:
            if nodelay:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            hdr = b""
            while len(hdr) < 8:
                b = conn.recv(8 - len(hdr))
                if not b:
                    break
                hdr += b
            if len(hdr) == 8:
                left = struct.unpack("!Q", hdr)[0]
                while left > 0:
                    n = conn.send(CHUNK[:min(left, len(CHUNK))])
                    left -= n
        except OSError:
            pass
        conn.close()


def get(host, port, size, reps, tcp):
    for _ in range(reps):
        proto = socket.IPPROTO_TCP if tcp else IPPROTO_MPTCP
        t0 = time.monotonic()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        s.settimeout(60)
        got = 0
        try:
            s.connect((host, port))
            s.sendall(struct.pack("!Q", size))
            while got < size:
                b = s.recv(1 << 18)
                if not b:
                    break
                got += len(b)
        except OSError:
            pass
        t = time.monotonic() - t0
        s.close()
        print("%.4f" % t if got == size else "FAIL", flush=True)
        time.sleep(0.2)


def main():
    if len(sys.argv) in (3, 4) and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3:] == ["--nodelay"])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "get":
        get(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
            len(sys.argv) == 7 and sys.argv[6] == "--tcp")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
