#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Which segments carried a damaged range (bench/upm-damage.sh --pcap).

  upm-damage-pcap.py SENT FIRST LAST SHIFT PCAP...

SHIFT: where the bytes received in FIRST..LAST were sent from (damage.txt's
"+N"); the segments that carried FIRST+SHIFT..LAST+SHIFT are listed too.

PCAPs: full captures (tcpdump -s 0 -w) on the server's interfaces. Reads
the client's MPTCP key (MP_CAPABLE), hence the IDSN, and every DSS mapping
of client -> server segments; prints, for each segment whose data covers a
byte of the stream range FIRST..LAST (offsets from 0), its time,
interface, subflow (ports), relative subflow sequence, mapping (stream
offset, subflow offset, length) and whether its payload equals the sent
bytes at the offset its mapping gives them (ok) or sent bytes from
elsewhere.
"""
import hashlib
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        link = struct.unpack(endian + "I", hdr[20:24])[0]
        while True:
            ph = f.read(16)
            if len(ph) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", ph)
            data = f.read(incl)
            t = sec + frac / (1e9 if nano else 1e6)
            yield t, link, data


def parse(link, data):
    off = 14 if link == 1 else 16 if link == 113 else 0
    if link == 1 and struct.unpack(">H", data[12:14])[0] != 0x0800:
        return None
    ip = data[off:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
        return None
    ihl = (ip[0] & 15) * 4
    tot = struct.unpack(">H", ip[2:4])[0]
    src, dst = ip[12:16], ip[16:20]
    tcp = ip[ihl:tot]
    sport, dport, seq, ack = struct.unpack(">HHII", tcp[:12])
    doff = (tcp[12] >> 4) * 4
    flags = tcp[13]
    opts, payload = tcp[20:doff], tcp[doff:]
    return src, dst, sport, dport, seq, flags, opts, payload


def mptcp_opts(opts):
    i = 0
    while i < len(opts):
        k = opts[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        ln = opts[i + 1]
        if ln < 2:
            break
        if k == 30:
            yield opts[i + 2:i + ln]
        i += ln


def main(argv):
    sent = open(argv[1], "rb").read()
    first, last, shift = int(argv[2]), int(argv[3]), int(argv[4])
    argv = argv[:1] + argv[1:2] + argv[5:]
    argv.insert(2, None); argv.insert(3, None)
    key, segs = None, []
    for path in argv[4:]:
        for t, link, data in packets(path):
            p = parse(link, data)
            if not p:
                continue
            src, dst, sport, dport, seq, flags, opts, payload = p
            if src[3] != 1:	# client -> server only (10.0.k.1)
                continue
            for o in mptcp_opts(opts):
                sub = o[0] >> 4
                if sub == 0 and len(o) >= 10 and key is None and not flags & 0x02:
                    key = o[2:10]	# MP_CAPABLE third ACK: the sender's key
                if sub == 2:
                    fl = o[1]
                    j = 2
                    if fl & 1:	# A: data ack
                        j += 8 if fl & 2 else 4
                    if fl & 4:	# M: mapping
                        dlen = 8 if fl & 8 else 4
                        dsn = int.from_bytes(o[j:j + dlen], "big")
                        ssn, dl = struct.unpack(">IH", o[j + dlen:j + dlen + 6])
                        segs.append((t, path, sport, seq, len(payload), dsn, dlen, ssn, dl, payload, flags))
    if key is None:
        sys.exit("no MP_CAPABLE key seen")
    idsn = int.from_bytes(hashlib.sha256(key).digest()[-8:], "big")
    # subflow ISNs: the SYN's seq per source port
    isn = {}
    for path in argv[4:]:
        for t, link, data in packets(path):
            p = parse(link, data)
            if p and p[0][3] == 1 and p[5] & 0x02:
                isn[p[2]] = p[4]
    print("idsn %#x, %d segments with a mapping" % (idsn, len(segs)))
    for t, path, sport, seq, plen, dsn, dlen, ssn, dl, payload, flags in segs:
        mod = 1 << (8 * dlen)
        mstart = (dsn - (idsn + 1)) % mod
        base = isn.get(sport)
        if base is None:
            continue
        rel = (seq - base) % (1 << 32)
        # the segment's stream offset, by its mapping
        at = mstart + (rel - ssn) % (1 << 32)
        if plen == 0:
            continue
        if not (at > last or at + plen <= first):
            tag = "DAMAGED RANGE"
        elif not (at > last + shift or at + plen <= first + shift):
            tag = "SOURCE RANGE"
        else:
            continue
        if dlen == 4:
            pass  # 32-bit DSN: offsets below 4 GiB are exact here
        good = sent[at:at + plen] == payload
        src = "ok" if good else ("sent bytes from %+d" % (sent.find(payload[:64]) - at)
                                 if sent.find(payload[:64]) >= 0 else "never sent")
        print("%s %.6f %s sport %d rel seq %d len %d | map stream %d ssn %d len %d -> at %d..%d %s%s"
              % (tag, t, path.rsplit("/", 1)[-1], sport, rel, plen, mstart, ssn, dl, at,
                 at + plen - 1, src, " FIN" if flags & 1 else ""))


if __name__ == "__main__":
    main(sys.argv)
