# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ctypes structures and constants against include/mptcpkit.h: a C
program, generated from the ctypes definitions and compiled here, prints the
size and alignment of each structure and the offset and size of each field,
so a header change cannot silently break the binding."""
import ctypes
import os
import shutil
import subprocess

import pytest

import mptcpkit
from mptcpkit import _abi
from conftest import TOP

CONSTANTS = {
    "MPK_NONBLOCK": _abi.MPK_NONBLOCK, "MPK_CLOEXEC": _abi.MPK_CLOEXEC,
    "MPK_TCP_ONLY": _abi.MPK_TCP_ONLY, "MPK_LIMIT_KEEP": _abi.MPK_LIMIT_KEEP,
    "MPK_EHOSTNOTFOUND": _abi.MPK_EHOSTNOTFOUND, "MPK_ESERVICE": _abi.MPK_ESERVICE,
    "MPK_ERESOLVE": _abi.MPK_ERESOLVE, "MPK_SUBFLOWS_MAX": _abi.SUBFLOWS_MAX,
    "IF_NAMESIZE": _abi.IF_NAMESIZE, "MPK_REASON_COUNT": len(mptcpkit.Reason),
}
for r in mptcpkit.Reason:
    CONSTANTS[f"MPK_REASON_{r.name}"] = r.value
for t in mptcpkit.EventType:
    CONSTANTS[f"MPK_PM_EVENT_{t.name}"] = t.value
for f in mptcpkit.EndpointFlag:
    CONSTANTS[f"MPK_EP_{f.name}"] = f.value
for s in mptcpkit.InfoSource:
    CONSTANTS[f"MPK_INFO_{s.name}"] = s.value


def expected_lines():
    """What the C program must print, from the ctypes side."""
    lines = []
    for st in _abi.STRUCTS:
        lines.append(f"{st._c_name_} {ctypes.sizeof(st)} {ctypes.alignment(st)}")
        for name in getattr(st, "_c_check_fields_", [f[0] for f in st._fields_]):
            fld = getattr(st, name)
            lines.append(f"{st._c_name_}.{name} {fld.offset} {fld.size}")
    lines += [f"{name} {value}" for name, value in CONSTANTS.items()]
    return lines


def c_program():
    out = ["#include <stdio.h>", "#include <stddef.h>", "#include <stdalign.h>",
           "#include <mptcpkit.h>", "int main(void) {"]
    for st in _abi.STRUCTS:
        c = st._c_name_
        out.append(f'printf("{c} %zu %zu\\n", sizeof({c}), alignof({c}));')
        for name in getattr(st, "_c_check_fields_", [f[0] for f in st._fields_]):
            out.append(f'printf("{c}.{name} %zu %zu\\n", offsetof({c}, {name}), '
                       f'sizeof((({c} *)0)->{name}));')
    for name in CONSTANTS:
        out.append(f'printf("{name} %llu\\n", (unsigned long long)({name}));')
    out.append("return 0; }")
    return "\n".join(out) + "\n"


@pytest.mark.skipif(not shutil.which("cc"), reason="needs a C compiler")
def test_structures_and_constants_match_the_header(tmp_path):
    src, exe = tmp_path / "layout.c", tmp_path / "layout"
    src.write_text(c_program())
    subprocess.run(["cc", "-std=gnu11", "-D_GNU_SOURCE", "-I", os.path.join(TOP, "include"),
                    "-o", str(exe), str(src)], check=True)
    got = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    assert got.splitlines() == expected_lines()


def test_every_structure_is_checked():
    for st in _abi.STRUCTS:
        assert st._c_name_
    names = {st.__name__ for st in _abi.STRUCTS}
    used = {t.__name__ for st in _abi.STRUCTS for _, t, *rest in st._fields_
            if isinstance(t, type) and issubclass(t, (ctypes.Structure, ctypes.Union))}
    assert used <= names
