#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of bench/pmd-paths.sh (sampling and the cut analysis are those
of bench/pmd-failover.py, imported).

  pmd-paths.py schedule N SEED
      N outages, one line each: "PATH KIND DOWN_S GAP_S"; paths alternate,
      KIND (link|silent) alternates every two outages so each path gets
      both; DOWN_S uniform in 0.2-0.5 s, GAP_S 0.25 s (both paths up)
  pmd-paths.py churn SAMPLES RECEIVED EVENTS LABEL
      EVENTS: "down K KIND TIME" / "up K TIME"; one JSON line: goodput
      during the churn against the capacity that was up (paths up x
      PATH_MBIT, time-weighted), per block of 10 outages and in all, and
      the time from the last outage's end until both paths carry traffic
  pmd-paths.py lossy SAMPLES RECEIVED START WINDOWS SECONDS LABEL
      goodput in WINDOWS consecutive windows of SECONDS from START
  pmd-paths.py silent SAMPLES RECEIVED EVENTS LABEL
      pmd-failover.py's analysis ("cut K TIME" / "restore K TIME")
  pmd-paths.py report DIR SCENARIO...
      markdown tables from DIR's result-* and end-* files
"""
import glob
import importlib.util
import json
import os
import random
import statistics
import sys

PATH_MBIT = 47.8  # payload goodput of one 50 Mbit/s tbf path (measured)
BLOCK = 10        # outages per block of the churn's goodput figure
RESTORE_WINDOW = 5.0

_spec = importlib.util.spec_from_file_location(
    "failover", os.path.join(os.path.dirname(os.path.abspath(__file__)), "pmd-failover.py"))
failover = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(failover)


def schedule(n, seed):
    rnd = random.Random(seed)
    for i in range(n):
        kind = "link" if (i // 2) % 2 == 0 else "silent"
        print(f"{1 + i % 2} {kind} {rnd.uniform(0.2, 0.5):.3f} 0.25")


def read_samples(path):
    return [tuple(float(x) for x in line.split()) for line in open(path)]


def delivered_at(grid, t):
    """Bytes delivered by time t (linear between grid points)."""
    for (t0, b0), (t1, b1) in zip(grid, grid[1:]):
        if t0 <= t <= t1:
            return b0 + (b1 - b0) * (t - t0) / (t1 - t0) if t1 > t0 else b1
    return grid[-1][1] if grid and t > grid[-1][0] else 0.0


def outages(events):
    """[(path, kind, down time, up time)] from the event lines."""
    out, open_ = [], {}
    for ev in events:
        if ev[0] == "down":
            open_[ev[1]] = (ev[2], float(ev[3]))
        elif ev[0] == "up" and ev[1] in open_:
            kind, t = open_.pop(ev[1])
            out.append((int(ev[1]), kind, t, float(ev[2])))
    return out


def capacity_bytes(outs, t0, t1):
    """What the paths that were up could carry between t0 and t1."""
    down = sum(max(0.0, min(u, t1) - max(d, t0)) for _, _, d, u in outs)
    return (2 * (t1 - t0) - down) * PATH_MBIT * 1e6 / 8


def both_paths_back(samples, t, until):
    """Seconds from t until both paths carry traffic in the same window."""
    level = 0.2 * PATH_MBIT * 1e6 / 8
    s1, s2 = failover.rates(samples, 1), failover.rates(samples, 2)
    for (ta, r1), (_, r2) in zip(s1, s2):
        if t <= ta < until and r1 >= level and r2 >= level:
            return round(ta - t, 3)
    return None


def churn(samples_path, received_path, events_path, label):
    samples = read_samples(samples_path)
    grid = failover.delivered_grid(samples, received_path)
    outs = outages([line.split() for line in open(events_path) if line.strip()])
    blocks = []
    for i in range(0, len(outs) - BLOCK + 1, BLOCK):
        t0, t1 = outs[i][2], outs[i + BLOCK - 1][3]
        got = delivered_at(grid, t1) - delivered_at(grid, t0)
        blocks.append(got / capacity_bytes(outs, t0, t1))
    t0, t1 = outs[0][2], outs[-1][3]
    got = delivered_at(grid, t1) - delivered_at(grid, t0)
    last_log = float(open(received_path).read().split()[-2])
    end = min(samples[-1][0], last_log, t1 + RESTORE_WINDOW)
    print(json.dumps({
        "mode": label, "outages": len(outs), "seconds": round(t1 - t0, 2),
        "goodput_mbit": round(got * 8 / (t1 - t0) / 1e6, 2),
        "capacity_mbit": round(capacity_bytes(outs, t0, t1) * 8 / (t1 - t0) / 1e6, 2),
        "ratio": round(got / capacity_bytes(outs, t0, t1), 3),
        "block_ratio": summarise([round(b, 3) for b in blocks]),
        "blocks": [round(b, 3) for b in blocks],
        "both_paths_after": both_paths_back(samples, t1, end),
        "tail_mbit": round((delivered_at(grid, end) - delivered_at(grid, t1)) * 8
                           / max(end - t1, 1e-3) / 1e6, 2)}))


def lossy(samples_path, received_path, start, windows, seconds, label):
    grid = failover.delivered_grid(read_samples(samples_path), received_path)
    vals = []
    for i in range(windows):
        t0 = start + i * seconds
        got = delivered_at(grid, t0 + seconds) - delivered_at(grid, t0)
        vals.append(round(got * 8 / seconds / 1e6, 2))
    print(json.dumps({"mode": label, "mbit": vals, "summary": summarise(vals)}))


def summarise(vals):
    """Median, worst (lowest) and best of a list of figures."""
    if not vals:
        return {"runs": 0, "median": None, "worst": None, "best": None}
    return {"runs": len(vals), "median": round(statistics.median(vals), 3),
            "worst": min(vals), "best": max(vals)}


def load(path):
    """The JSON lines of a file ([] when it is missing)."""
    try:
        return [json.loads(line) for line in open(path) if line.strip()]
    except (OSError, ValueError):
        return []


def ends(d, tag):
    e = (load(os.path.join(d, f"end-{tag}")) or [{}])[0]
    return f"{'yes' if e.get('alive') else 'no'} / {'yes' if e.get('intact') else 'no'}"


def runs(d, scen):
    """(tag, mode-dir) of the scenario's result files, pmd first."""
    tags = sorted(os.path.basename(p)[len("result-"):]
                  for p in glob.glob(os.path.join(d, f"result-{scen}-*")))
    return sorted(tags, key=lambda t: (t.split("-")[-1] != "up", t.split("-")[1] == "kernel"))


def fmt(v, unit=""):
    return "none" if v is None else f"{v:.2f}{unit}"


def report_churn(d, scen="churn"):
    print(f"| {scen} | goodput / capacity up | per 10 outages: median, worst | Mbit/s (capacity) "
          "| both paths after the last outage | Mbit/s in the 5 s after | alive / intact |")
    print("|---|---|---|---|---|---|---|")
    for tag in runs(d, scen):
        r = (load(os.path.join(d, f"result-{tag}")) or [None])[0]
        if not r:
            print(f"| {tag} | failed | | | | | {ends(d, tag)} |")
            continue
        b = r["block_ratio"]
        both = r["both_paths_after"]
        print(f"| {r['mode']} | {r['ratio']:.3f} | {fmt(b['median'])}, {fmt(b['worst'])} "
              f"| {r['goodput_mbit']:.1f} ({r['capacity_mbit']:.1f}) "
              f"| {'never (5 s)' if both is None else f'{both:.2f} s'} | {r['tail_mbit']:.1f} "
              f"| {ends(d, tag)} |")


def censored(events):
    """"median, worst" of event times; one not within its window counts as
    longer than every other and is shown as "> WINDOW"."""
    if not events:
        return "none"
    vals = sorted((e["seconds"] if e["seconds"] is not None else float("inf"), e["window"])
                  for e in events)
    cell = lambda v: f"> {v[1]:.1f}" if v[0] == float("inf") else f"{v[0]:.2f}"
    miss = sum(1 for e in events if e["seconds"] is None)
    note = f" ({miss} of {len(events)} not within the window)" if miss else ""
    lo, hi = vals[(len(vals) - 1) // 2], vals[len(vals) // 2]
    mid = hi if hi[0] == float("inf") else ((lo[0] + hi[0]) / 2, hi[1])
    return f"{cell(mid)}, {cell(vals[-1])}{note}"


def report_silent(d):
    print("| silent cut | goodput back at the surviving path's rate: median, worst (s) "
          "| restored path used again: median, worst (s) | alive / intact |")
    print("|---|---|---|---|")
    for tag in runs(d, "silent"):
        lines = load(os.path.join(d, f"result-{tag}"))
        if not any(x.get("summary") for x in lines):
            print(f"| {tag} | failed | | {ends(d, tag)} |")
            continue
        cells = [censored([x for x in lines if x.get("event") == kind])
                 for kind in ("cut", "restore")]
        print(f"| {lines[0]['mode']} | {cells[0]} | {cells[1]} | {ends(d, tag)} |")


def report_lossy(d):
    print("| lossy path 2 | mode | kernel: median, worst (Mbit/s) | mode: median, worst (Mbit/s) "
          "| mode / kernel (medians) | alive / intact (kernel, mode) |")
    print("|---|---|---|---|---|---|")
    modes = sorted({t.split("-")[1] for t in runs(d, "lossy1") + runs(d, "lossy3")} - {"kernel"})
    cell = lambda s: "failed" if not s else f"{s['median']:.1f}, {s['worst']:.1f}"
    for pct in ("1", "3"):
        for direction in ("up", "down"):
            got = {}
            for mode in ["kernel"] + modes:
                tag = f"lossy{pct}-{mode}-{direction}"
                r = (load(os.path.join(d, f"result-{tag}")) or [None])[0]
                got[mode] = (r["summary"] if r else None, ends(d, tag))
            k = got["kernel"][0]
            for mode in modes:
                p = got[mode][0]
                if not k and not p:
                    continue
                ratio = f"{p['median'] / k['median']:.3f}" if k and p and k["median"] else "-"
                print(f"| {pct} %, {direction} | {mode} | {cell(k)} | {cell(p)} | {ratio} "
                      f"| {got['kernel'][1]}, {got[mode][1]} |")


def report(d, scenarios):
    for scen in scenarios:
        {"churn": report_churn, "silent": report_silent, "lossy": report_lossy,
         "churnhc": lambda d: report_churn(d, "churnhc")}[scen](d)
        print()


def main(argv):
    if len(argv) == 4 and argv[1] == "schedule":
        schedule(int(argv[2]), int(argv[3]))
    elif len(argv) == 6 and argv[1] == "churn":
        churn(*argv[2:6])
    elif len(argv) == 8 and argv[1] == "lossy":
        lossy(argv[2], argv[3], float(argv[4]), int(argv[5]), float(argv[6]), argv[7])
    elif len(argv) == 6 and argv[1] == "silent":
        failover.analyse(*argv[2:6])
    elif len(argv) >= 3 and argv[1] == "report":
        report(argv[2], argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
