#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mptcpkit_server: hello_server.py on the mptcpkit binding (python3-mptcpkit):
listen on every address over MPTCP with fallback, and tell for each
connection whether it runs MPTCP and over how many subflows.

    mptcpkit_server.py [-n COUNT] PORT
"""
import argparse
import sys

import mptcpkit


def main():
    parser = argparse.ArgumentParser(prog="mptcpkit_server.py")
    parser.add_argument("-n", dest="count", type=int, default=-1, help="stop after COUNT")
    parser.add_argument("port")
    args = parser.parse_args()

    try:
        server = mptcpkit.create_server(("", args.port))
    except OSError as e:
        sys.exit(f"mptcpkit_server.py: {e}")
    print(f"listening on port {args.port}:", mptcpkit.status(server), flush=True)
    while args.count != 0:
        conn, peer = mptcpkit.accept(server)
        with conn:
            conn.settimeout(5)
            line = conn.recv(128).decode(errors="replace").split("\n")[0]
            subflows = len(mptcpkit.info(conn).subflows)
            print(f"connection from {peer[0]}: {mptcpkit.status(conn)}, "
                  f"{subflows} subflow(s)", flush=True)
            conn.sendall(f'hi, you said "{line}"\n'.encode())
        args.count -= 1


if __name__ == "__main__":
    main()
