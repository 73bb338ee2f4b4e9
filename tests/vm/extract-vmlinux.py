#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Extract the uncompressed ELF kernel (vmlinux) from a bzImage, as the
# kernel's scripts/extract-vmlinux does: find a compressed stream that
# decompresses to an ELF file. qemu boots that ELF through its PVH entry,
# which skips the decompressor: that step alone takes seconds under TCG.
#   extract-vmlinux.py BZIMAGE OUT
import gzip
import lzma
import subprocess
import sys
import zlib

ELF = b"\x7fELF"


def try_xz(data, at):
    d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    return d.decompress(data[at:])


def try_gzip(data, at):
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return d.decompress(data[at:])


def try_zstd(data, at):
    # Python's standard library has no zstd: ask the zstd program.
    r = subprocess.run(["zstd", "-dcq"], input=data[at:], capture_output=True)
    return r.stdout


FORMATS = [(b"\xfd7zXZ\x00", try_xz), (b"\x1f\x8b\x08", try_gzip),
           (b"\x28\xb5\x2f\xfd", try_zstd)]


def extract(data):
    for magic, fn in FORMATS:
        at = data.find(magic)
        while at >= 0:
            try:
                out = fn(data, at)
            except (lzma.LZMAError, zlib.error, gzip.BadGzipFile, OSError):
                out = b""
            if out.startswith(ELF):
                return out
            at = data.find(magic, at + 1)
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: extract-vmlinux.py BZIMAGE OUT")
    with open(sys.argv[1], "rb") as f:
        out = extract(f.read())
    if out is None:
        sys.exit("extract-vmlinux: no known compressed ELF kernel in " + sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
