#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hello_server: answer hello clients over Multipath TCP, and tell for each
connection whether it really runs MPTCP -- and if not, why.

    hello_server.py [-j] [-b ADDR] [-n COUNT] PORT

By default it listens on every address, IPv6 and IPv4 on one socket. The
output is the same as examples/c/hello-server's. A connection is MPTCP only
when the listener is MPTCP and the client asked for MPTCP too.
"""
import argparse
import socket
import sys

# The socket-level helpers are the client's: MPTCP socket with fallback, and
# the live-connection check.
from hello_client import REASONS, error_text, check_port, is_mptcp, mptcp_socket


def listen(addr, port):
    """A listening socket and its socket-time reason."""
    check_port(port)
    if addr:
        family, _, _, _, sockaddr = socket.getaddrinfo(
            addr, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[0]
    elif socket.has_ipv6:
        family, sockaddr = socket.AF_INET6, ("::", int(port))
    else:
        family, sockaddr = socket.AF_INET, ("0.0.0.0", int(port))
    sock, reason = mptcp_socket(family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        # The wildcard takes IPv4 too (as ::ffff:a.b.c.d); one address not.
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if not addr else 1)
    sock.bind(sockaddr)
    sock.listen()
    return sock, reason


def format_peer(addr):
    """"ADDR:PORT" or "[ADDR6]:PORT", IPv4-mapped IPv6 shown as IPv4."""
    host, port = addr[0], addr[1]
    if host.startswith("::ffff:") and "." in host:
        host = host[len("::ffff:"):]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def answer_client(conn):
    """Read the greeting line and answer it; drop a client silent for 5 s."""
    conn.settimeout(5)
    line = b""
    try:
        while b"\n" not in line and len(line) < 127 and (chunk := conn.recv(127 - len(line))):
            line += chunk
    except OSError:
        pass
    greeting = line.decode(errors="replace").split("\n")[0].rstrip("\r")
    conn.sendall(f'hi, you said "{greeting}"\n'.encode())


def print_connection(peer, reason, json):
    mptcp = reason == "available"
    if json:
        print(f'{{"peer":"{peer}","mptcp":{"true" if mptcp else "false"},"reason":"{reason}"}}')
    else:
        transport = "MPTCP" if mptcp else "TCP"
        print(f"connection from {peer}: {transport} ({reason}: {REASONS[reason]})")
    sys.stdout.flush()  # tests and pipes read it as it happens


def main():
    parser = argparse.ArgumentParser(prog="hello_server.py")
    parser.add_argument("-j", dest="json", action="store_true", help="one JSON line each")
    parser.add_argument("-b", dest="addr", help="listen on this address only")
    parser.add_argument("-n", dest="count", type=int, default=-1, help="stop after COUNT")
    parser.add_argument("port")
    args = parser.parse_args()

    try:
        lsock, listener = listen(args.addr, args.port)
    except (OSError, ValueError) as e:
        where = args.addr or "every address"
        text = error_text(e) if isinstance(e, OSError) else "invalid service or port"
        sys.exit(f"hello_server.py: cannot listen on {where} port {args.port}: {text}")
    if not args.json:
        transport = "MPTCP" if listener == "available" else "TCP"
        print(f"listening on port {lsock.getsockname()[1]}: "
              f"{transport} ({listener}: {REASONS[listener]})")
        sys.stdout.flush()

    served = 0
    while args.count < 0 or served < args.count:
        conn, peer = lsock.accept()
        with conn:
            # A TCP listener gives TCP connections: its reason is the one.
            reason = listener
            if listener == "available" and not is_mptcp(conn):
                reason = "fallback"
            print_connection(format_peer(peer), reason, args.json)
            try:
                answer_client(conn)
            except OSError as e:
                print(f"hello_server.py: could not answer a client: {e.strerror}",
                      file=sys.stderr)
        served += 1
    lsock.close()


if __name__ == "__main__":
    main()
