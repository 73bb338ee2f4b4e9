# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding on loopback in the current network namespace: reasons,
status on both sides of MPTCP and fallback connections, info, bad input,
import errors, and no leak over 100,000 calls."""
import errno
import gc
import os
import pydoc
import shutil
import socket
import subprocess
import sys

import pytest

import mptcpkit
from mptcpkit import Reason
from conftest import TOP

needs_mptcp = pytest.mark.skipif(not mptcpkit.probe().mptcp,
                                 reason="MPTCP is not available here")


@pytest.fixture
def server():
    s = mptcpkit.create_server(("127.0.0.1", 0))
    yield s
    s.close()


def pair(server, client_mptcp=True):
    """A connected (client, accepted) pair on loopback."""
    addr = server.getsockname()[:2]
    if client_mptcp:
        c = mptcpkit.create_connection(addr, timeout=5)
    else:
        c = socket.create_connection(addr, timeout=5)
    a, _ = mptcpkit.accept(server)
    return c, a


def test_reason_names_and_sentences_come_from_the_library():
    assert [str(r) for r in Reason] == ["available", "kernel-too-old", "not-compiled",
                                        "disabled", "blocked", "fallback"]
    assert Reason.DISABLED.description == (
        "MPTCP is disabled in this network namespace (sysctl net.mptcp.enabled = 0)")
    for r in Reason:
        assert Reason.from_label(r.label) is r
        assert r.description and r.description != "unknown reason"
    assert Reason.from_errno(errno.EINVAL) is Reason.KERNEL_TOO_OLD
    assert Reason.from_errno(errno.EPROTONOSUPPORT) is Reason.NOT_COMPILED
    assert Reason.from_errno(errno.ENOPROTOOPT) is Reason.DISABLED
    assert Reason.from_errno(errno.EPERM) is Reason.BLOCKED
    with pytest.raises(ValueError):
        Reason.from_label("nope")


@needs_mptcp
def test_probe():
    for family in (socket.AF_INET, socket.AF_INET6):
        st = mptcpkit.probe(family)
        assert (st.reason, st.errno, st.mptcp) == (Reason.AVAILABLE, 0, True)
    with pytest.raises(mptcpkit.Error) as e:
        mptcpkit.probe(socket.AF_UNIX)
    assert e.value.errno == errno.EAFNOSUPPORT
    assert "not supported" in str(e.value)


@needs_mptcp
def test_mptcp_on_both_sides(server):
    assert mptcpkit.status(server).mptcp
    c, a = pair(server)
    with c, a:
        assert isinstance(c, socket.socket) and c.proto == socket.IPPROTO_MPTCP
        assert c.gettimeout() == 5
        for s in (c, a):
            assert mptcpkit.is_mptcp(s) is True
            assert mptcpkit.status(s) == mptcpkit.Status(Reason.AVAILABLE, 0, True)
        c.sendall(b"x" * 1000)
        assert a.recv(1000)
        info = mptcpkit.info(c)
        assert info.mptcp and info.source in (mptcpkit.InfoSource.FULL,
                                              mptcpkit.InfoSource.LEGACY)
        assert info.conn.token != 0 and info.conn.subflows_total == 1
        (sf,) = info.subflows
        assert sf.local == c.getsockname()[:2] and sf.remote == c.getpeername()[:2]
        assert sf.ifname == "lo" and sf.has_tcp_info and sf.state == 1
        assert sf.cwnd > 0 and sf.rtt > 0 and sf.bytes_sent >= 1000


@needs_mptcp
def test_fallback_client_side():
    plain = socket.create_server(("127.0.0.1", 0))
    with plain:
        c = mptcpkit.create_connection(plain.getsockname()[:2])
        a, _ = plain.accept()
        with c, a:
            st = mptcpkit.status(c)
            assert (st.reason, st.errno, st.mptcp) == (Reason.FALLBACK, 0, False)
            assert "fell back" in st.description
            assert mptcpkit.is_mptcp(c) is False
            info = mptcpkit.info(c)
            assert not info.mptcp and info.conn is None
            assert info.source == mptcpkit.InfoSource.TCP and len(info.subflows) == 1


@needs_mptcp
def test_fallback_server_side(server):
    c, a = pair(server, client_mptcp=False)
    with c, a:
        assert mptcpkit.status(a).reason == Reason.FALLBACK
        assert not mptcpkit.is_mptcp(a)


@needs_mptcp
def test_subflow_count(server):
    c, a = pair(server)
    with c, a:
        assert mptcpkit.subflow_count(c) == 1 and mptcpkit.subflow_count(a.fileno()) == 1
    c, a = pair(server, client_mptcp=False)
    with c, a:
        assert mptcpkit.subflow_count(a) == 0  # fallen back
        assert mptcpkit.subflow_count(c) == 0  # plain TCP


def closed_port():
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


@needs_mptcp
def test_connect_addrs(server):
    port = server.getsockname()[1]
    refused = closed_port()
    entries = socket.getaddrinfo("127.0.0.1", port, type=socket.SOCK_STREAM)
    for addresses in ([("127.0.0.1", port)], entries, [("127.0.0.1", refused), ("127.0.0.1", port)]):
        c = mptcpkit.connect_addrs(addresses, timeout=5)
        a, _ = mptcpkit.accept(server)
        with c, a:
            assert c.getpeername() == ("127.0.0.1", port) and c.gettimeout() == 5
            assert c.proto == socket.IPPROTO_MPTCP and mptcpkit.status(c).mptcp
            c.sendall(b"x" * 1000)
            assert a.recv(1000) == b"x" * 1000
            assert mptcpkit.subflow_count(c) == 1
    c = mptcpkit.connect_addrs([("127.0.0.1", port)], mptcp=False)
    a, _ = mptcpkit.accept(server)
    with c, a:
        assert c.proto == socket.IPPROTO_TCP and mptcpkit.status(c).reason == Reason.BLOCKED


def test_connect_addrs_errors_name_the_last_address():
    fds = len(os.listdir("/proc/self/fd"))
    first, last = closed_port(), closed_port()
    with pytest.raises(mptcpkit.Error) as e:
        mptcpkit.connect_addrs([("127.0.0.1", first), ("127.0.0.1", last)], timeout=5)
    assert e.value.errno == errno.ECONNREFUSED
    assert str(e.value) == f"connect to 127.0.0.1 port {last}: Connection refused"
    assert len(os.listdir("/proc/self/fd")) == fds


@pytest.mark.parametrize("addresses, exc", [
    ([], ValueError),
    ([("localhost", 80)], ValueError),          # names are create_connection's
    ([("127.0.0.1", 80, 0, 0)], ValueError),    # flowinfo, scope_id: IPv6 only
    ([("127.0.0.1", 0)], ValueError),
    ([("127.0.0.1", 70000)], ValueError),
    ([("127.0.0.1\0", 80)], ValueError),
    ("127.0.0.1", TypeError),
    (None, TypeError),
    ([("127.0.0.1", "80")], TypeError),
    ([("127.0.0.1", True)], TypeError),
    ([("127.0.0.1",)], TypeError),
    ([(b"127.0.0.1", 80)], TypeError),
])
def test_connect_addrs_bad_input(addresses, exc):
    with pytest.raises(exc):
        mptcpkit.connect_addrs(addresses)


def test_tcp_only_says_blocked_with_no_errno(server):
    c = mptcpkit.create_connection(server.getsockname()[:2], mptcp=False)
    with c:
        assert c.proto == socket.IPPROTO_TCP
        st = mptcpkit.status(c)
        assert (st.reason, st.errno, st.mptcp) == (Reason.BLOCKED, 0, False)


def test_connect_errors_carry_the_library_message(server):
    port = server.getsockname()[1]
    server.close()
    with pytest.raises(mptcpkit.Error) as e:
        mptcpkit.create_connection(("127.0.0.1", port), timeout=5)
    assert isinstance(e.value, OSError) and e.value.errno == errno.ECONNREFUSED
    assert str(e.value) == f"connect to 127.0.0.1 port {port}: Connection refused"
    with pytest.raises(mptcpkit.ResolveError) as e:
        mptcpkit.create_connection(("no-such-host.invalid", 80))
    # "name resolution failed" where no resolver answers (a namespace).
    assert e.value.strerror in ("host not found", "name resolution failed")
    with pytest.raises(mptcpkit.ResolveError) as e:
        mptcpkit.create_connection(("127.0.0.1", "no-such-service"))
    assert e.value.strerror == "invalid service or port"
    for port in (70000, -1, "99999"):
        with pytest.raises(mptcpkit.ResolveError) as e:
            mptcpkit.create_connection(("127.0.0.1", port))
        assert e.value.errno == 4097  # MPK_ESERVICE
    for address in (("127.0.0.1\0evil", 80), ("127.0.0.1", "80\0")):
        with pytest.raises(ValueError):
            mptcpkit.create_connection(address)


@pytest.mark.parametrize("call", [
    lambda: mptcpkit.create_connection("127.0.0.1"),
    lambda: mptcpkit.create_connection((1, 2)),
    lambda: mptcpkit.create_connection(("127.0.0.1", True)),
    lambda: mptcpkit.create_connection(("127.0.0.1", 1.5)),
    lambda: mptcpkit.create_connection(("127.0.0.1", 80), family="inet"),
    lambda: mptcpkit.create_server(("", 0), backlog="x"),
    lambda: mptcpkit.create_server(["", 0]),
    lambda: mptcpkit.status("sock"),
    lambda: mptcpkit.is_mptcp(None),
    lambda: mptcpkit.info(1.0),
    lambda: mptcpkit.probe("inet"),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_bad_sockets_raise_error_with_errno(tmp_path):
    closed = socket.socket()
    closed.close()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    r, w = os.pipe()
    cases = [(closed, errno.EBADF), (udp, errno.EPROTOTYPE), (unix, errno.EAFNOSUPPORT),
             (r, errno.ENOTSOCK), (10**6, errno.EBADF), (-5, errno.EBADF),
             (2**40, errno.EBADF)]
    try:
        for sock, code in cases:
            for fn in (mptcpkit.is_mptcp, mptcpkit.status, mptcpkit.info,
                       mptcpkit.subflow_count):
                with pytest.raises(mptcpkit.Error) as e:
                    fn(sock)
                assert e.value.errno == code, (fn.__name__, sock)
                assert e.value.strerror == os.strerror(code)
    finally:
        udp.close(), unix.close(), os.close(r), os.close(w)


def test_help_reads_well():
    doc = pydoc.render_doc(mptcpkit, renderer=pydoc.plaintext)
    for word in ("create_connection", "create_server", "status", "info", "probe",
                 "PathManager", "Events", "Reason", "Subflow"):
        assert word in doc
    for fn in (mptcpkit.create_connection, mptcpkit.connect_async, mptcpkit.create_server,
               mptcpkit.status, mptcpkit.subflow_count, mptcpkit.connect_addrs,
               mptcpkit.connect_addrs_async,
               mptcpkit.info, mptcpkit.probe, mptcpkit.is_mptcp, mptcpkit.accept):
        assert fn.__doc__ and fn.__annotations__


def import_error(library):
    env = dict(os.environ, MPTCPKIT_LIBRARY=library, PYTHONPATH=os.path.join(TOP, "python"))
    r = subprocess.run([sys.executable, "-c", "import mptcpkit"], env=env,
                       capture_output=True, text=True)
    assert r.returncode != 0
    return r.stderr.strip().splitlines()[-1]


def test_import_error_when_the_library_is_missing():
    line = import_error("/nonexistent/libmptcpkit.so.1")
    assert line.startswith("ImportError: mptcpkit: cannot load the C library "
                           "/nonexistent/libmptcpkit.so.1")


@pytest.mark.skipif(not shutil.which("cc"), reason="needs a C compiler")
def test_import_error_when_the_library_is_too_old(tmp_path):
    src, lib = tmp_path / "old.c", tmp_path / "libold.so"
    src.write_text('const char *mpk_version(void) { return "0.0.9"; }\n'
                   'int mpk_probe(void) { return 0; }\n')
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    line = import_error(str(lib))
    assert "is too old: missing mpk_strerror" in line
    assert line.endswith("version 0.0.9 found, 0.1.0 or later needed")


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@needs_mptcp
def test_no_leak_over_100000_calls(server):
    c, a = pair(server)
    with c, a:
        fds = len(os.listdir("/proc/self/fd"))
        def calls(n):
            for i in range(n):
                mptcpkit.is_mptcp(c)
                mptcpkit.status(a)
                if i % 10 == 0:
                    mptcpkit.info(c)
                if i % 100 == 0:
                    mptcpkit.probe()
                    mptcpkit.subflow_count(c)
                    with pytest.raises(mptcpkit.Error):
                        mptcpkit.status(-1)
        calls(10000)  # warm up: caches, allocator arenas
        gc.collect()
        before = rss_kib()
        calls(100000)
        gc.collect()
        grown = rss_kib() - before
        assert len(os.listdir("/proc/self/fd")) == fds
    if os.environ.get("MPK_SANITIZED") == "1":
        pytest.skip(f"RSS not meaningful under ASan (quarantine): grew {grown} KiB")
    assert grown < 2048, f"RSS grew by {grown} KiB over 100,000 calls"


def test_server_families():
    with mptcpkit.create_server(("", 0)) as any_, \
            mptcpkit.create_server(("", 0), dualstack=False) as v4, \
            mptcpkit.create_server(("::1", 0), family=socket.AF_INET6, backlog=4) as v6:
        assert any_.family in (socket.AF_INET6, socket.AF_INET)
        assert v4.family == socket.AF_INET and v6.family == socket.AF_INET6
        if any_.family == socket.AF_INET6:  # dualstack: IPv4 comes in too
            c = mptcpkit.create_connection(("127.0.0.1", any_.getsockname()[1]))
            a, peer = mptcpkit.accept(any_)
            with c, a:
                assert peer[0] == "::ffff:127.0.0.1"
