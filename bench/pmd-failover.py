#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of bench/pmd-failover.sh.

  pmd-failover.py sample OUT SECONDS IF1 IF2
      every 20 ms, "time tx_bytes(IF1) tx_bytes(IF2)" into OUT (run it in
      the client namespace: /sys/class/net is that namespace's)
  pmd-failover.py analyse SAMPLES RECEIVED EVENTS LABEL
      RECEIVED: the receiver's "time bytes" log (pmd-xfer.py serve PORT LOG);
      EVENTS lines: "cut K TIME" / "restore K TIME"; prints one JSON line
      per event with the measured time, then a summary line

A rate is taken over a sliding window of 3 samples (about 60 ms), timed at
the window's end (so a time is when the rate had been seen, never earlier).
The reference is the surviving path's tx rate in the second before the cut
(what one path carries).
 - after a cut: the time until the goodput (bytes the receiving application
   got) is back: from then on it averages 80 % of the reference over 300 ms
   (and 50 % over the first 60 ms); data sent on the surviving path but held
   behind the hole left by the cut path does not count until delivered;
 - after a restore of path K: the time until path K's tx rate is above
   20 % of the reference (it carries traffic again).
"""
import json
import statistics
import sys
import time

PERIOD = 0.02
WINDOW = 3


def sample(out, seconds, if1, if2):
    paths = [f"/sys/class/net/{i}/statistics/tx_bytes" for i in (if1, if2)]
    end = time.time() + seconds
    nxt = time.time()
    with open(out, "w") as f:
        while time.time() < end:
            vals = []
            for p in paths:
                with open(p) as s:
                    vals.append(s.read().strip())
            f.write(f"{time.time():.4f} {vals[0]} {vals[1]}\n")
            nxt += PERIOD
            time.sleep(max(0.0, nxt - time.time()))


def rates(samples, k):
    """[(mid time, bytes/s)] of path k (1 or 2)."""
    out = []
    for i in range(len(samples) - WINDOW):
        t0, t1 = samples[i][0], samples[i + WINDOW][0]
        b = samples[i + WINDOW][k] - samples[i][k]
        out.append((t1, b / (t1 - t0)))
    return out


def trace(samples_path, received_path, t, before, after):
    """Path 1, path 2 and goodput in Mbit/s around time t."""
    samples = [tuple(float(x) for x in line.split()) for line in open(samples_path)]
    s1, s2 = rates(samples, 1), rates(samples, 2)
    g = goodput(samples, received_path)
    for (ta, r1), (_, r2), (_, rg) in zip(s1, s2, g):
        if t - before <= ta <= t + after:
            print(f"{ta - t:+.3f} {r1 * 8 / 1e6:6.1f} {r2 * 8 / 1e6:6.1f} {rg * 8 / 1e6:6.1f}")


def delivered_grid(samples, received_path):
    """[(time, bytes delivered so far)] on the sampling grid of samples."""
    log = [tuple(float(x) for x in line.split()) for line in open(received_path)]
    grid, j, total = [], 0, 0.0
    for s in samples:
        while j < len(log) and log[j][0] <= s[0]:
            total = log[j][1]
            j += 1
        grid.append((s[0], total))
    return grid


def goodput(samples, received_path):
    """[(time, bytes/s)] delivered, on the sampling grid of samples."""
    return rates(delivered_grid(samples, received_path), 1)


def goodput_recovery(grid, tc, until, ref):
    """Seconds from tc to the first time t from which the goodput averages
    >= 80 % of ref over the next 300 ms, and t itself is past the stall
    (>= 50 % of ref over the next 60 ms). The receiver's log is bursty, so
    a sustained average is a steadier test than every window on its own."""
    for i, (t, b) in enumerate(grid):
        if t < tc:
            continue
        j = next((k for k in range(i, len(grid)) if grid[k][0] >= t + 0.3), None)
        if j is None or grid[j][0] >= until:
            return None
        short = grid[i + WINDOW]
        if ((grid[j][1] - b) / (grid[j][0] - t) >= 0.8 * ref and
                (short[1] - b) / (short[0] - t) >= 0.5 * ref):
            return t - tc
    return None


def mean_rate(series, t0, t1):
    vals = [r for t, r in series if t0 <= t < t1]
    return statistics.mean(vals) if vals else 0.0


def recovery(series, tc, until, ref):
    """Seconds from tc until the rate is >= 0.8 ref for 300 ms on end."""
    start = None
    for t, r in series:
        if t < tc or t >= until:
            continue
        if r >= 0.8 * ref:
            if start is None:
                start = t
            if t - start >= 0.3:
                return max(0.0, start - tc)
        else:
            start = None
    return None


def first_above(series, tr, until, level):
    for t, r in series:
        if tr <= t < until and r >= level:
            return t - tr
    return None


def analyse(samples_path, received_path, events_path, label):
    samples = [tuple(float(x) for x in line.split()) for line in open(samples_path)]
    events = [line.split() for line in open(events_path) if line.strip()]
    series = {1: rates(samples, 1), 2: rates(samples, 2)}
    grid = delivered_grid(samples, received_path)
    cut_times, restore_times = [], []
    for i, (kind, k, t) in enumerate(events):
        k, t = int(k), float(t)
        until = float(events[i + 1][2]) if i + 1 < len(events) else samples[-1][0]
        other = 3 - k
        if kind == "cut":
            ref = mean_rate(series[other], t - 1.0, t - 0.05)
            val = goodput_recovery(grid, t, until, ref)
            cut_times.append(val)
        else:
            prev_cut = float(events[i - 1][2])
            ref = mean_rate(series[k], prev_cut - 1.0, prev_cut - 0.05)
            val = first_above(series[k], t, until, 0.2 * ref)
            restore_times.append(val)
        print(json.dumps({"mode": label, "event": kind, "path": k,
                          "seconds": None if val is None else round(val, 3),
                          "window": round(until - t, 2),
                          "ref_mbit": round(ref * 8 / 1e6, 1)}))
    print(json.dumps({"mode": label, "summary": True,
                      "cut": summarise(cut_times), "restore": summarise(restore_times)}))


def summarise(vals):
    got = sorted(v for v in vals if v is not None)
    return {"runs": len(vals), "missed": len(vals) - len(got),
            "median": round(statistics.median(got), 3) if got else None,
            "mean": round(statistics.mean(got), 3) if got else None,
            "min": round(got[0], 3) if got else None,
            "max": round(got[-1], 3) if got else None}


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "sample":
        sample(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif len(sys.argv) == 5 and sys.argv[1] == "trace":
        trace(sys.argv[2], sys.argv[3], float(sys.argv[4]), 0.2, 1.0)
    elif len(sys.argv) == 6 and sys.argv[1] == "analyse":
        analyse(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
