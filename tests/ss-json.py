#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""'mptcpkit -j ss' output (stdin) as lines, for the tests:
  ss-json.py conns          "LOCAL REMOTE token=HEX" per connection with a token
  ss-json.py subflows       "LOCAL REMOTE token=HEX" per subflow
  ss-json.py subflow-bytes  "LOCAL REMOTE bytes_received=N" per subflow
  ss-json.py fallback       "LOCAL REMOTE CAUSE" per fallen-back connection
  ss-json.py count          the number of connections (listeners included)"""
import json
import sys


def main():
    what = sys.argv[1]
    conns = json.load(sys.stdin)["connections"]
    if what == "count":
        print(len(conns))
    for c in conns:
        if what == "conns" and "token" in c:
            print(f'{c["local"]} {c["remote"]} token={c["token"]}')
        if what == "fallback" and c["fallback"]:
            print(f'{c["local"]} {c["remote"]} {c["fallback_cause"]}')
        for s in c.get("subflows", []):
            if what == "subflows":
                print(f'{s["local"]} {s["remote"]} token={c["token"]}')
            elif what == "subflow-bytes":
                print(f'{s["local"]} {s["remote"]} bytes_received={s["received"]}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
