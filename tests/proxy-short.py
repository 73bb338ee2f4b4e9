# SPDX-License-Identifier: GPL-2.0-or-later
"""Short connections for tests/netns/99-proxy-short.sh:
    proxy-short.py server PORT ORDER   (MPTCP) ORDER server-first: read 1 KiB, answer
                                       1 KiB, close (the server ends first);
                                       client-first: read to EOF, answer 1 KiB,
                                       close (the client half-closed first)
    proxy-short.py client HOST PORT ORDER N PARALLEL
                                       N connections, PARALLEL at a time: send
                                       1 KiB (client-first: then half-close),
                                       read to EOF; prints "good G of N": the
                                       answer intact and the EOF seen
Every message is 1 KiB of a pattern of its connection's own, so that a mixed
up or cut reply is seen."""
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

MSG = 1024


def pattern(tag: bytes) -> bytes:
    return (tag * (MSG // len(tag) + 1))[:MSG]


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def answer(conn, order):
    with conn:
        conn.settimeout(10)
        if order == "server-first":
            req = read_exactly(conn, MSG)
        else:
            req = b""
            while chunk := conn.recv(65536):
                req += chunk
        # The reply is the request reversed: tied to that one connection.
        conn.sendall(req[::-1])


def server(port, order):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(512)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=answer, args=(conn, order), daemon=True).start()


def one(host, port, order, i):
    req = pattern(b"conn %d;" % i)
    try:
        with socket.create_connection((host, port), timeout=10) as c:
            c.sendall(req)
            if order == "client-first":
                c.shutdown(socket.SHUT_WR)
            reply = read_exactly(c, MSG)
            return reply == req[::-1] and c.recv(1) == b""  # then EOF
    except OSError:
        return False


def client(host, port, order, n, parallel):
    with ThreadPoolExecutor(parallel) as pool:
        good = sum(pool.map(lambda i: one(host, port, order, i), range(n)))
    print(f"good {good} of {n}")


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3])
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
