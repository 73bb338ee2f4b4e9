#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mptcpkit_client: hello_client.py on the mptcpkit binding (python3-mptcpkit):
the library does the fallback and says why, and lists the subflows.

    mptcpkit_client.py [-4|-6] HOST PORT
"""
import argparse
import socket
import sys

import mptcpkit


def main():
    parser = argparse.ArgumentParser(prog="mptcpkit_client.py")
    parser.add_argument("-4", dest="family", action="store_const", const=socket.AF_INET)
    parser.add_argument("-6", dest="family", action="store_const", const=socket.AF_INET6)
    parser.add_argument("host")
    parser.add_argument("port")
    args = parser.parse_args()

    try:
        sock = mptcpkit.create_connection((args.host, args.port), timeout=10,
                                          family=args.family or 0)
    except OSError as e:  # mptcpkit.Error carries the library's message
        sys.exit(f"mptcpkit_client.py: {e}")
    with sock:
        sock.sendall(b"hello\n")
        answer = sock.recv(256)
        # Ask while the connection is up: it may have fallen back to TCP.
        print("connection:", mptcpkit.status(sock))
        for sf in mptcpkit.info(sock).subflows:
            print(f"subflow: {sf.local[0]} -> {sf.remote[0]} dev {sf.ifname or '?'} "
                  f"rtt {sf.rtt * 1000:.2f} ms cwnd {sf.cwnd}")
    print("answer:", answer.decode(errors="replace").split("\n")[0])


if __name__ == "__main__":
    main()
