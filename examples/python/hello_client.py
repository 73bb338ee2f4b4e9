#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hello_client: say hello to a server over Multipath TCP, and tell whether
MPTCP was really used -- and if not, why.

    hello_client.py [-4|-6] [-j] HOST PORT

Only the socket module: ask for IPPROTO_MPTCP, fall back to TCP when the
kernel refuses (the errno says why), then ask the live connection, since a
peer or a middlebox without MPTCP makes it fall back silently. The output
is the same as examples/c/hello-client's.
"""
import argparse
import errno
import socket
import sys

# Python >= 3.10 has socket.IPPROTO_MPTCP on Linux; the number is fixed.
IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)
TCP_IS_MPTCP = 43  # getsockopt(SOL_TCP): 1 when the connection is MPTCP (6.10+)
SOL_MPTCP, MPTCP_INFO = 284, 1

# The library's reason names and sentences (libmptcpkit, lib/reason.c).
REASONS = {
    "available": "MPTCP is in use",
    "kernel-too-old": "the kernel is too old for MPTCP (Linux 5.6 or later is needed)",
    "not-compiled": "the kernel was built without MPTCP support (CONFIG_MPTCP)",
    "disabled": "MPTCP is disabled in this network namespace (sysctl net.mptcp.enabled = 0)",
    "blocked": "MPTCP sockets are blocked on this system (by SELinux, seccomp, eBPF or similar)",
    "fallback": "the connection fell back to TCP (the peer or a middlebox does not support MPTCP)",
}


def reason_from_errno(err):
    """Why socket(..., IPPROTO_MPTCP) failed with this errno."""
    return {
        errno.EINVAL: "kernel-too-old",  # kernel < 5.6
        errno.EPROTONOSUPPORT: "not-compiled",  # no CONFIG_MPTCP
        errno.ENOPROTOOPT: "disabled",  # sysctl net.mptcp.enabled = 0
    }.get(err, "blocked")  # SELinux, seccomp, eBPF...


def mptcp_socket(family):
    """An MPTCP socket if the kernel gives one, else TCP; and the reason."""
    try:
        return socket.socket(family, socket.SOCK_STREAM, IPPROTO_MPTCP), "available"
    except OSError as e:
        return socket.socket(family, socket.SOCK_STREAM), reason_from_errno(e.errno)


def is_mptcp(sock):
    """Does this live connection run MPTCP (or did it fall back to TCP)?"""
    try:
        return sock.getsockopt(socket.SOL_TCP, TCP_IS_MPTCP) == 1
    except OSError as e:
        # Before 6.10 the errno answers: an MPTCP socket refuses the
        # option itself (EOPNOTSUPP); one that fell back hands it to TCP,
        # which does not know it (ENOPROTOOPT).
        if e.errno == errno.EOPNOTSUPP:
            return True
        if e.errno == errno.ENOPROTOOPT:
            return False
    # Anything else: MPTCP_INFO (5.16+) fails on a connection that fell back.
    try:
        sock.getsockopt(SOL_MPTCP, MPTCP_INFO, 96)
        return True
    except OSError:
        return False


def error_text(e):
    """The C library's words for resolver errors, else the errno text."""
    if isinstance(e, socket.gaierror):
        return {
            socket.EAI_NONAME: "host not found",
            socket.EAI_NODATA: "host not found",
            socket.EAI_SERVICE: "invalid service or port",
        }.get(e.errno, "name resolution failed")
    return e.strerror or str(e)


def check_port(port):
    """getaddrinfo() would wrap "99999" around 16 bits: refuse it."""
    if port.isdigit() and int(port) > 65535:
        raise socket.gaierror(socket.EAI_SERVICE, "port out of range")


def connect(host, port, family):
    """Try each address of host in turn; the socket and socket-time reason."""
    check_port(port)
    error = None
    for fam, _, _, _, addr in socket.getaddrinfo(host, port, family, socket.SOCK_STREAM):
        sock, reason = mptcp_socket(fam)
        try:
            sock.connect(addr)
            return sock, reason
        except OSError as e:
            error = e
            sock.close()
    raise error


def status_line(what, reason):
    transport = "MPTCP" if reason == "available" else "TCP"
    return f"{what}: {transport} ({reason}: {REASONS[reason]})"


def main():
    parser = argparse.ArgumentParser(prog="hello_client.py")
    parser.add_argument("-4", dest="family", action="store_const", const=socket.AF_INET)
    parser.add_argument("-6", dest="family", action="store_const", const=socket.AF_INET6)
    parser.add_argument("-j", dest="json", action="store_true", help="one JSON line")
    parser.add_argument("host")
    parser.add_argument("port")
    args = parser.parse_args()

    try:
        sock, at_socket = connect(args.host, args.port, args.family or socket.AF_UNSPEC)
    except OSError as e:
        sys.exit(f"hello_client.py: cannot connect to {args.host} port {args.port}: {error_text(e)}")

    with sock:
        sock.sendall(b"hello\n")
        answer = b""
        while chunk := sock.recv(256):  # until the server closes
            answer += chunk
        # Ask now that data went both ways: fallback can happen that late.
        live = at_socket
        if at_socket == "available" and not is_mptcp(sock):
            live = "fallback"
    if not answer:
        sys.exit(f"hello_client.py: no answer from {args.host} port {args.port}")

    if args.json:
        mptcp = "true" if live == "available" else "false"
        print(f'{{"socket_reason":"{at_socket}","mptcp":{mptcp},"reason":"{live}"}}')
    else:
        print(status_line("socket", at_socket))
        print(status_line("connection", live))
        print("answer:", answer.decode(errors="replace").split("\n")[0])


if __name__ == "__main__":
    main()
