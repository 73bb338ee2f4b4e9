#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Arrows point down in tools/: read the built objects' symbol tables (nm)
and report every cycle of calls between files, and between subsystem
folders, as TAP lines.  Usage: check-layout.py BUILD_DIR

A file uses another when it references a symbol the other defines. A cycle
(a strongly connected component of more than one file) is a pair of files
that call each other, directly or around a ring: the design notes forbid
them. The folder graph is the same, one node per tools/ folder; mptcpkit.c
(the dispatch table, above everything) is left out of it."""
import glob
import os
import re
import subprocess
import sys


def objects(build):
    """{source path under tools/: object file} for every tools/ object: in
    build/tools/X.p/ named FOLDER_FILE.c.o, in build/tools/FOLDER/X.p/ FILE.c.o."""
    out = {}
    top = os.path.join(build, "tools")
    for o in glob.glob(os.path.join(top, "**", "*.p", "*.o"), recursive=True):
        where = os.path.relpath(os.path.dirname(os.path.dirname(o)), top)
        m = re.match(r"(?:([a-z]+)_)?(.+\.c)\.o$", os.path.basename(o))
        if not m:
            continue
        folder = m.group(1) or (where if where != "." else None)
        out[(folder + "/" if folder else "") + m.group(2)] = o
    return out


def symbols(obj):
    defined, undefined = set(), set()
    text = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
    return defined, undefined


def sccs(graph):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: scripts/check-layout.py BUILD_DIR", file=sys.stderr)
        return 2
    objs = objects(sys.argv[1])
    if len(objs) < 50:
        print(f"not ok - tools/ objects found in {sys.argv[1]}: only {len(objs)}")
        return 1
    owner, uses = {}, {}
    for src, obj in objs.items():
        d, u = symbols(obj)
        for s in d:
            owner.setdefault(s, src)
        uses[src] = u
    files = {src: {owner[s] for s in u if s in owner and owner[s] != src}
             for src, u in uses.items()}
    folders = {}
    for src, deps in files.items():
        if "/" not in src:
            continue
        f = src.split("/")[0]
        folders.setdefault(f, set()).update(
            d.split("/")[0] for d in deps if "/" in d and d.split("/")[0] != f)
    failed = 0
    for what, graph in (("files", files), ("folders", folders)):
        cycles = sccs(graph)
        if cycles:
            failed = 1
            for c in cycles:
                print(f"not ok - no call cycle between tools/ {what}: {' <-> '.join(c)}")
        else:
            print(f"ok - no call cycle between tools/ {what} ({len(graph)} checked)")
    return failed


sys.exit(main())
