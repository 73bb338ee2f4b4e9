#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the time after a silent cut goes, per cut of bench/lab-profile-cut.sh:
goodput every 0.1 s around the cut, pmd's decisions (time after the cut),
and the sender's subflows (state, cwnd, unacked, retransmissions, bytes
sent, RTO) from the .ss file.
    bench/lab-profile-cut-timeline.py OUT_DIR [CUT_AT (5)]"""
import glob, json, re, sys, os
out = sys.argv[1]; cut_at = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
P2 = {"wifi-lte": 10, "dsl-4g": 50, "fibre-sat": 50, "equal": 50}
def pmd_events(prof, mode):
    ev = []
    try:
        for line in open(f"{out}/{mode}-{prof}.log"):
            try: d = json.loads(line)
            except Exception: continue
            ev.append(d)
    except FileNotFoundError: pass
    return ev
def ss_parse(path):
    snaps = []; cur = None
    for line in open(path):
        if line.startswith("@ "):
            p = line.split(); cur = {"t": float(p[1]) - float(p[3]) - cut_at, "sf": []}; snaps.append(cur); t0 = float(p[3]); continue
        if cur is None: continue
        if re.match(r"^(ESTAB|FIN-WAIT|CLOSE|LAST|SYN|TIME|LISTEN)", line.strip()):
            f = [re.sub(r"\[::ffff:([0-9.]+)\]", r"\1", x) for x in line.split()]
            cur["sf"].append({"st": f[0], "q": f[2], "l": f[3], "r": f[4]}); continue
        if cur["sf"]:
            s = cur["sf"][-1]
            for k in ("cwnd", "unacked", "retrans", "bytes_acked", "rtt", "rto", "lost", "ssthresh"):
                m = re.search(r"\b%s:(\S+)" % k, line)
                if m: s[k] = m.group(1)
            m = re.search(r"bytes_sent:(\d+)", line)
            if m: s["sent"] = int(m.group(1))
    return snaps, t0
for f in sorted(glob.glob(f"{out}/*-*-*.json")):
    base = os.path.basename(f)[:-5]
    prof, mode, run = base.rsplit("-", 2)
    try: doc = json.load(open(f))
    except Exception: print(base, "bad json"); continue
    s = doc.get("samples") or []
    # goodput per 0.1 s around the cut
    line = []
    for x in s:
        if cut_at - 0.3 <= x["t"] <= cut_at + 3.0: line.append(x)
    rates = []
    for a, b in zip(line, line[1:]):
        if b["t"] - a["t"] > 0: rates.append("%.1f:%.0f" % (a["t"] - cut_at, (b["bytes"] - a["bytes"]) * 8 / (b["t"] - a["t"]) / 1e6))
    print("==", base, "subflows:", [(x["local"], x["remote"], x.get("closed")) for x in doc.get("subflows", [])])
    print("  goodput Mbit/s (t-cut:rate):", " ".join(rates[::2]))
    if os.path.exists(f"{out}/{base}.ss"):
        snaps, t0 = ss_parse(f"{out}/{base}.ss")
        tcut = t0 + cut_at
        for lm in ((mode, "both-server") if mode == "both" else (mode,)) if mode != "kernel" else ():
            for d in pmd_events(prof, lm):
                ts = d.get("time") or d.get("ts") or d.get("t")
                if ts is None: continue
                if -0.5 < ts - tcut < 4 and d.get("action") not in ("path-sample",):
                    print("  " + lm + " %+.3f %s %s %s" % (ts - tcut, d.get("action"), d.get("dev", ""), {k: d[k] for k in ("probes_lost", "rtt_us", "flags", "why") if k in d}))
        for sn in snaps[::2]:
            print("  ss %+.2f " % sn["t"] + " | ".join("%s>%s %s sendq %s cwnd %s unacked %s retrans %s sent %s rto %s" % (x["l"].split(":")[0], x["r"].split(":")[0], x["st"][:3], x["q"], x.get("cwnd"), x.get("unacked"), x.get("retrans"), x.get("sent"), x.get("rto")) for x in sn["sf"] if x["st"] != "LISTEN"))
