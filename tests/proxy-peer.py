#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Peers for the proxy tests (tests/netns/9*.sh), plain Python sockets.

  server PROTO PORT REPLYFILE [COUNT]  accept COUNT connections (one at a
        time): read to EOF, then send REPLYFILE; print per connection
        "mptcp=0|1 sha=HEX n=BYTES" (tests/mptcp_sock.py on the accepted socket)
  client PROTO HOST PORT SENDFILE      send SENDFILE, half-close, read to EOF;
        print "sha=HEX n=BYTES"
  hold HOST PORT N SECS [SECS...]      open N connections; after each wait,
        print "open=K closed=M" (closed: the far end closed it)
  raw HOST PORT HEX [HEX...]           send each chunk, print what comes
        back (hex, "-" for nothing within 2 s or $RAW_WAIT), "eof" when
        closed (also within 2 s of the last chunk)
  httpd PORT DIR                       an HTTP server on MPTCP (any address)
        serving DIR; prints "mptcp=0|1 PATH" per request
PROTO is 6 (TCP) or 262 (MPTCP).
"""
import hashlib, http.server, os, socket, socketserver, sys, time

from mptcp_sock import is_mptcp




def listener(proto, port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(64)
    return s


def read_all(c):
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            return h.hexdigest(), n
        h.update(b)
        n += len(b)


def server(proto, port, reply, count=1):
    s = listener(int(proto), int(port))
    data = open(reply, "rb").read()
    for _ in range(int(count)):
        c, _ = s.accept()
        m = is_mptcp(c)
        try:
            sha, n = read_all(c)
            c.sendall(data)
        except OSError as e:
            sha, n = "error:" + e.__class__.__name__, 0
        c.close()
        print("mptcp=%d sha=%s n=%d" % (m, sha, n), flush=True)


def client(proto, host, port, sendfile):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    c = socket.socket(fam, socket.SOCK_STREAM, int(proto))
    c.settimeout(30)
    c.connect((host, int(port)))
    with open(sendfile, "rb") as f:
        c.sendfile(f)
    c.shutdown(socket.SHUT_WR)
    sha, n = read_all(c)
    print("sha=%s n=%d" % (sha, n))


def hold(host, port, n, *waits):
    socks = [socket.create_connection((host, int(port)), timeout=5) for _ in range(int(n))]
    for c in socks:
        c.setblocking(False)
    out = []
    for w in waits:
        time.sleep(float(w))
        open_, closed = 0, 0
        for c in socks:
            try:
                b = c.recv(1, socket.MSG_PEEK)
                closed += b == b""
                open_ += b != b""
            except BlockingIOError:
                open_ += 1
            except OSError:
                closed += 1
        out.append("open=%d closed=%d" % (open_, closed))
    print(" ".join(out))


def raw(host, port, *chunks):
    wait = float(os.environ.get("RAW_WAIT", "2"))
    c = socket.create_connection((host, int(port)), timeout=5)
    out = []
    for h in chunks:
        try:
            c.sendall(bytes.fromhex(h))
        except OSError:
            out.append("eof")
            break
        c.settimeout(wait)
        try:
            b = c.recv(512)
        except socket.timeout:
            out.append("-")
            continue
        except OSError:
            out.append("eof")
            break
        if not b:
            out.append("eof")
            break
        out.append(b.hex())
    if out[-1:] != ["eof"]:
        c.settimeout(2)
        try:
            if c.recv(512) == b"":
                out.append("eof")
        except socket.timeout:
            pass
        except OSError:
            out.append("eof")
    print(" ".join(out))


class MptcpHTTPServer(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.close()
        self.socket = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, 262)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = self.server_address[:2]


class Handler(http.server.SimpleHTTPRequestHandler):
    def setup(self):
        super().setup()
        self.mptcp = is_mptcp(self.connection)

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        print("mptcp=%d %s" % (self.mptcp, self.path), flush=True)
        super().do_GET()


def httpd(port, root):
    os.chdir(root)
    MptcpHTTPServer(("::", int(port)), Handler).serve_forever()


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
