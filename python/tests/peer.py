# SPDX-License-Identifier: LGPL-2.1-or-later
"""The far end for test_netns.py, run in the server namespace:
    peer.py mptcp|tcp PORT
Listens on every address (mptcp: mptcpkit.create_server; tcp: the socket
module alone), prints "listening", accepts one connection, reads it to the
end while noting the most subflows seen, answers "ok", then prints one JSON
line: {"mptcp": ..., "reason": ..., "subflows": N}."""
import json
import socket
import sys

import mptcpkit


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "mptcp":
        server = mptcpkit.create_server(("", port))  # IPv6 and IPv4
    else:
        server = socket.create_server(("", port), family=socket.AF_INET6,
                                      dualstack_ipv6=True)
    print("listening", flush=True)
    server.settimeout(20)
    conn, _ = mptcpkit.accept(server)
    conn.settimeout(20)
    most = len(mptcpkit.info(conn).subflows)
    while conn.recv(65536):
        most = max(most, len(mptcpkit.info(conn).subflows))
    conn.sendall(b"ok")
    st = mptcpkit.status(conn)
    print(json.dumps({"mptcp": st.mptcp, "reason": str(st.reason), "subflows": most}),
          flush=True)


if __name__ == "__main__":
    main()
