#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What iproute2's ss says, in the line form of tests/helpers/diag-dump, so
the tests of the diag engine and of 'mptcpkit ss' can compare the two.

  ss -HMni 2>/dev/null | ss-parse.py conns
      "LOCAL REMOTE token=HEX" per established MPTCP socket
  ss -Htni 2>/dev/null | ss-parse.py subflows
      "LOCAL REMOTE token=HEX" per TCP socket with the mptcp ULP
  ss -Htni 2>/dev/null | ss-parse.py subflow-bytes
      "LOCAL REMOTE bytes_received=N" per TCP socket with the mptcp ULP
IPv4-mapped addresses are written as IPv4, as mpk_addr_format() does.
"""
import re
import sys


def norm(addr):
    m = re.fullmatch(r"\[::ffff:([0-9.]+)\]:(\d+)", addr)
    return f"{m.group(1)}:{m.group(2)}" if m else addr


def sockets(lines):
    """(fields of the socket line, the info text that follows it)."""
    cur = None
    for line in lines:
        if not line.strip():
            continue
        if line[0] in " \t":
            if cur:
                cur[1] += " " + line.strip()
            continue
        if cur:
            yield cur
        cur = [line.split(), ""]
    if cur:
        yield cur


def main():
    what = sys.argv[1]
    for fields, info in sockets(sys.stdin.read().splitlines()):
        if fields[0] != "ESTAB":
            continue
        local, remote = norm(fields[3]), norm(fields[4])
        if what == "conns":
            m = re.search(r"\btoken:([0-9a-f]+)", info)
        elif what == "subflow-bytes":
            if "tcp-ulp-mptcp" in info:
                b = re.search(r"\bbytes_received:(\d+)", info)
                print(f"{local} {remote} bytes_received={b.group(1) if b else 0}")
            continue
        else:
            if "tcp-ulp-mptcp" not in info:
                continue
            m = re.search(r"token:[0-9a-f]+\(id:\d+\)/([0-9a-f]+)\(id:\d+\)", info)
        print(f"{local} {remote} token={int(m.group(1), 16):08x}" if m else f"{local} {remote} token=?")
    return 0


if __name__ == "__main__":
    sys.exit(main())
