#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of bench/pmd-failover.sh.

  pmd-failover.py sample OUT SECONDS IF1 IF2
      every 20 ms, "time tx_bytes(IF1) tx_bytes(IF2)" into OUT (run it in
      the client namespace: /sys/class/net is that namespace's)
  pmd-failover.py analyse SAMPLES EVENTS LABEL
      EVENTS lines: "cut K TIME" / "restore K TIME"; prints one JSON line
      per event with the measured time, then a summary line

Throughput is the tx rate of an interface over a sliding window of 3
samples (about 60 ms), timed at the window's end (so a time is when the
rate had been seen, never earlier).
 - after a cut of path K: the time until the surviving path's rate is back
   at 80 % of what it carried in the second before the cut, and stays
   there for 300 ms (0 if it never fell);
 - after a restore of path K: the time until path K's rate is above 20 %
   of that same reference (it carries traffic again).
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


def trace(samples_path, t, before, after):
    samples = [tuple(float(x) for x in line.split()) for line in open(samples_path)]
    s1, s2 = rates(samples, 1), rates(samples, 2)
    for (ta, r1), (_, r2) in zip(s1, s2):
        if t - before <= ta <= t + after:
            print(f"{ta - t:+.3f} {r1 * 8 / 1e6:6.1f} {r2 * 8 / 1e6:6.1f}")


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


def analyse(samples_path, events_path, label):
    samples = [tuple(float(x) for x in line.split()) for line in open(samples_path)]
    events = [line.split() for line in open(events_path) if line.strip()]
    series = {1: rates(samples, 1), 2: rates(samples, 2)}
    cut_times, restore_times = [], []
    for i, (kind, k, t) in enumerate(events):
        k, t = int(k), float(t)
        until = float(events[i + 1][2]) if i + 1 < len(events) else samples[-1][0]
        other = 3 - k
        if kind == "cut":
            ref = mean_rate(series[other], t - 1.0, t - 0.05)
            val = recovery(series[other], t, until, ref)
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
    elif len(sys.argv) == 4 and sys.argv[1] == "trace":
        trace(sys.argv[2], float(sys.argv[3]), 0.2, 1.0)
    elif len(sys.argv) == 5 and sys.argv[1] == "analyse":
        analyse(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
