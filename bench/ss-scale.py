#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run inside the namespace by bench/ss-scale.sh: wall time (median of RUNS)
and peak memory of each command, and the exporter's scrape time.
  ss-scale.py MPTCPKIT RUNS"""
import os
import statistics
import subprocess
import sys
import time
import urllib.request


def peak_kib(cmd):
    """Peak memory through GNU time (its fork keeps Python's size out)."""
    if not os.path.exists("/usr/bin/time"):
        return 0
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=True)
    return int(r.stderr.split()[-1])


def measure(cmd, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             check=True).stdout
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times), peak_kib(cmd), \
        out.count(b"\n"), len(out)


def scrape(url, runs):
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as r:
            size = len(r.read())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times), size


def main():
    k, runs = sys.argv[1], int(sys.argv[2])
    rows = [
        ("ss -M", ["ss", "-M"]),
        ("ss -HMn", ["ss", "-HMn"]),
        ("ss -HMni", ["ss", "-HMni"]),
        ("ss -Htni (all TCP, for the subflows)", ["ss", "-Htni"]),
        ("mptcpkit ss", [k, "ss"]),
        ("mptcpkit ss -S (no subflows)", [k, "ss", "-S"]),
        ("mptcpkit -j ss", [k, "-j", "ss"]),
    ]
    res = {}
    for name, cmd in rows:
        res[name] = measure(cmd, runs)
        med, lo, hi, rss, lines, size = res[name]
        print(f"| {name} | {med * 1000:.0f} ms ({lo * 1000:.0f}-{hi * 1000:.0f}) | "
              f"{rss / 1024:.1f} MiB | {lines} lines, {size / 1e6:.1f} MB |" if rss else
              f"- | {lines} lines, {size / 1e6:.1f} MB |")
    exp = subprocess.Popen([k, "exporter", "--listen", "127.0.0.1:9814"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:9814/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        med, lo, hi, size = scrape("http://127.0.0.1:9814/metrics", runs)
        print(f"| exporter scrape (/metrics) | {med * 1000:.0f} ms ({lo * 1000:.0f}-{hi * 1000:.0f}) "
              f"| - | {size / 1e3:.1f} kB |")
    finally:
        exp.terminate()
        exp.wait()
    for ref in ("ss -M", "ss -HMn"):
        print(f"ratio mptcpkit ss / {ref}: {res['mptcpkit ss'][0] / res[ref][0]:.2f}; "
              f"mptcpkit ss -S / {ref}: "
              f"{res['mptcpkit ss -S (no subflows)'][0] / res[ref][0]:.2f}")
    both = res["ss -HMni"][0] + res["ss -Htni (all TCP, for the subflows)"][0]
    print(f"ratio mptcpkit ss / (ss -HMni + ss -Htni, what a user runs for the same view): "
          f"{res['mptcpkit ss'][0] / both:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
