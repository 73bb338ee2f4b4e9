# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding against the real kernel in namespaces that
tests/netns/13-python.sh made: this process runs in the client namespace
(MPK_NS_CLI), joined to MPK_NS_SRV by two paths, NET.1.0/24 (c1-s1) and
NET.2.0/24 (c2-s2); MPK_NS_OFF has net.mptcp.enabled=0; MPK_SECCOMP is the
seccomp-errno helper. Path 1 also has IPv6, fdNN:1::1 - fdNN:1::2 (NN: the
second number of NET). Skipped when those are not set."""
import asyncio
import errno
import json
import os
import socket
import subprocess
import sys
import time

import pytest

import mptcpkit
from mptcpkit import EndpointFlag, EventType, PathManagerError, Reason
from conftest import TOP

ENV = ("MPK_NS_CLI", "MPK_NS_SRV", "MPK_NS_OFF", "MPK_SECCOMP", "MPK_NET")
pytestmark = pytest.mark.skipif(any(v not in os.environ for v in ENV),
                                reason="run by tests/netns/13-python.sh")
NET = os.environ.get("MPK_NET", "")
SRV1, CLI2 = f"{NET}.1.2", f"{NET}.2.1"
SRV1_6 = f"fd{NET.split('.')[-1]}:1::2"
BOTH = pytest.mark.parametrize("host", [SRV1, SRV1_6], ids=["IPv4", "IPv6"])
_ports = iter(range(7300, 7400))


def child_env():
    return dict(os.environ, PYTHONPATH=os.path.join(TOP, "python"))


class Peer:
    """peer.py in the server namespace, listening once it is constructed."""

    def __init__(self, mode):
        self.port = next(_ports)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", os.environ["MPK_NS_SRV"], sys.executable,
             os.path.join(os.path.dirname(__file__), "peer.py"), mode, str(self.port)],
            stdout=subprocess.PIPE, text=True, env=child_env())
        assert self.proc.stdout.readline().strip() == "listening"

    def result(self):
        out, _ = self.proc.communicate(timeout=20)
        assert self.proc.returncode == 0
        return json.loads(out)


def talk(sock, until=None):
    """Send (until until() is true, 5 s at most, then 0.5 s more so that the
    peer reads while it holds), half-close, read the answer."""
    sock.sendall(b"x" * 65536)
    if until:
        end = time.monotonic() + 5
        while time.monotonic() < end and not until():
            sock.sendall(b"x" * 65536)
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            sock.sendall(b"x" * 65536)
    sock.shutdown(socket.SHUT_WR)
    return sock.recv(16)


def wait_event(events, match, timeout=5.0):
    """The first event match() accepts within timeout seconds, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for ev in events.wait(max(0.0, deadline - time.monotonic())):
            if match(ev):
                return ev
    return None


@pytest.fixture
def pm():
    with mptcpkit.PathManager() as handle:
        handle.flush_endpoints()
        handle.set_limits(subflows=2, add_addr_accepted=2)
        yield handle
        handle.flush_endpoints()


def test_limits(pm):
    assert pm.limits() == mptcpkit.Limits(2, 2)
    pm.set_limits(subflows=3)
    assert pm.limits() == mptcpkit.Limits(3, 2)
    with pytest.raises(PathManagerError) as e:
        pm.set_limits(add_addr_accepted=9)
    assert e.value.errno == errno.EINVAL and str(e.value).startswith("set limits: ")
    assert pm.limits() == mptcpkit.Limits(3, 2)  # nothing half-changed


def test_endpoints(pm):
    pm.add_endpoint(CLI2, id=5, dev="c2", flags="subflow")
    ep = mptcpkit.Endpoint(5, CLI2, 0, EndpointFlag.SUBFLOW, socket.if_nametoindex("c2"))
    assert pm.endpoints() == [ep] and pm.endpoint(5) == ep and ep.ifname == "c2"
    assert ep.flags.names() == ["subflow"]
    pm.set_endpoint_flags(["backup"], address=CLI2)
    assert pm.endpoint(5).flags == EndpointFlag.SUBFLOW | EndpointFlag.BACKUP
    with pytest.raises(PathManagerError) as e:
        pm.add_endpoint(CLI2, id=5, flags="subflow")
    assert e.value.errno in (errno.EEXIST, errno.EBUSY)  # 6.18 says EBUSY
    pm.add_endpoint("fd13::1", id=6, flags=EndpointFlag.SIGNAL)
    assert [e.address for e in pm.endpoints()] == [CLI2, "fd13::1"]
    pm.delete_endpoint(5)
    with pytest.raises(PathManagerError) as e:
        pm.endpoint(5)
    assert e.value.errno in (errno.ENOENT, errno.EINVAL)
    pm.flush_endpoints()
    assert pm.endpoints() == []


@pytest.mark.parametrize("call, exc", [
    (lambda pm: pm.add_endpoint("not-an-address"), ValueError),
    (lambda pm: pm.add_endpoint(CLI2, dev="nosuchdev0"), ValueError),
    (lambda pm: pm.add_endpoint(CLI2, id=256), ValueError),
    (lambda pm: pm.add_endpoint(CLI2, flags="subflow bogus"), ValueError),
    (lambda pm: pm.add_endpoint(42), TypeError),
    (lambda pm: pm.set_limits(subflows="2"), TypeError),
    (lambda pm: pm.endpoint(-1), ValueError),
])
def test_path_manager_bad_input(pm, call, exc):
    with pytest.raises(exc):
        call(pm)
    assert pm.endpoints() == []


def test_closed_handles():
    pm = mptcpkit.PathManager()
    pm.close()
    pm.close()
    with pytest.raises(ValueError):
        pm.endpoints()
    events = mptcpkit.Events()
    events.close()
    with pytest.raises(ValueError):
        events.fileno()


def test_two_subflows_info_and_events(pm):
    pm.add_endpoint(CLI2, id=5, dev="c2", flags="subflow")
    peer = Peer("mptcp")
    with mptcpkit.Events() as events:
        sock = mptcpkit.create_connection((SRV1, peer.port), timeout=10)
        snap = {}

        def two():  # before the half-close: a closing subflow is not counted
            snap["info"] = mptcpkit.info(sock)
            return [s.state for s in snap["info"].subflows] == [1, 1]  # ESTABLISHED

        with sock:
            assert talk(sock, until=two) == b"ok"
        info = snap["info"]
        got = {}
        deadline = time.monotonic() + 5
        while EventType.CLOSED not in got and time.monotonic() < deadline:
            for ev in events.wait(0.5):
                if ev.token == info.conn.token:
                    got.setdefault(ev.type, ev)
    assert info.mptcp and info.conn.subflows_total == 2 and len(info.subflows) == 2
    pairs = sorted((s.local[0], s.remote[0], s.ifname) for s in info.subflows)
    assert pairs == [(f"{NET}.1.1", SRV1, "c1"), (CLI2, SRV1, "c2")]
    assert all(s.rtt > 0 and s.cwnd > 0 for s in info.subflows)
    assert sum(s.bytes_sent for s in info.subflows) > 0
    assert peer.result() == {"mptcp": True, "reason": "available", "subflows": 2}
    assert {EventType.CREATED, EventType.ESTABLISHED, EventType.SUB_ESTABLISHED,
            EventType.CLOSED} <= set(got)
    sub = got[EventType.SUB_ESTABLISHED]
    assert (sub.saddr, sub.daddr, sub.dport, sub.loc_id) == (CLI2, SRV1, peer.port, 5)
    assert got[EventType.CREATED].name == "created" and not got[EventType.CREATED].server_side


def poll_two_path_connection(pm, poll, done):
    """poll(sock) while a connection over both paths runs, until done() says
    yes to its last result: the results, and the connection's info() then."""
    pm.add_endpoint(CLI2, id=5, dev="c2", flags="subflow")
    peer = Peer("mptcp")
    seen = []

    def until():
        seen.append(poll(sock))
        return done(seen[-1])

    with mptcpkit.create_connection((SRV1, peer.port), timeout=10) as sock:
        assert talk(sock, until=until) == b"ok"
        full = mptcpkit.info(sock)
    assert peer.result()["subflows"] == 2
    return seen, full


def test_subflow_count_sees_the_second_subflow(pm):
    counts, _ = poll_two_path_connection(pm, mptcpkit.subflow_count, lambda n: n == 2)
    assert counts[0] in (1, 2) and counts[-1] == 2


def test_conn_state_polls_counters_and_established_subflows(pm):
    states, full = poll_two_path_connection(pm, mptcpkit.conn_state,
                                            lambda st: st.established == 2)
    last = states[-1]
    assert last.established == 2 and last.conn.token == full.conn.token != 0
    assert last.conn.subflows_total == 2


def test_conn_state_of_plain_tcp_raises():
    peer = Peer("tcp")
    with socket.create_connection((SRV1, peer.port), timeout=10) as sock:
        with pytest.raises(mptcpkit.Error) as err:
            mptcpkit.conn_state(sock)
        assert err.value.errno in (errno.EOPNOTSUPP, errno.ENOPROTOOPT)
        assert talk(sock) == b"ok"
    peer.result()


@BOTH
def test_connect_addrs_over_each_family(host):
    peer = Peer("mptcp")
    addrs = socket.getaddrinfo(host, peer.port, type=socket.SOCK_STREAM)
    with mptcpkit.connect_addrs(addrs, timeout=10) as sock:
        assert mptcpkit.status(sock).mptcp and sock.getpeername()[:2] == (host, peer.port)
        assert talk(sock) == b"ok"
    assert peer.result()["reason"] == "available"


async def _exchange(connecting):
    """The status of the socket connecting gives, and the peer's answer to
    1000 bytes sent through asyncio streams."""
    sock = await connecting
    st = mptcpkit.status(sock)
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(b"x" * 1000)
    writer.write_eof()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return st, answer


@BOTH
def test_connect_addrs_async_with_streams(host):
    peer = Peer("mptcp")
    # An address that refuses first: the next one is tried.
    connecting = mptcpkit.connect_addrs_async([(host, 9), (host, peer.port)])
    st, answer = asyncio.run(asyncio.wait_for(_exchange(connecting), 10))
    assert st.mptcp and answer == b"ok"
    assert peer.result()["reason"] == "available"


def test_connect_addrs_timeout():
    fds = len(os.listdir("/proc/self/fd"))
    with pytest.raises(TimeoutError):  # no host answers ARP for it
        mptcpkit.connect_addrs([(f"{NET}.1.99", 9)], timeout=0.3)

    async def hang():
        await mptcpkit.connect_addrs_async([(f"{NET}.1.99", 9)])

    with pytest.raises(asyncio.TimeoutError):  # cancelled: the attempt is closed
        asyncio.run(asyncio.wait_for(hang(), 0.3))
    assert len(os.listdir("/proc/self/fd")) == fds


@BOTH
def test_mptcp_over_each_family(host):
    peer = Peer("mptcp")
    with mptcpkit.create_connection((host, peer.port), timeout=10) as sock:
        assert mptcpkit.status(sock).mptcp and sock.family == (
            socket.AF_INET6 if ":" in host else socket.AF_INET)
        assert mptcpkit.info(sock).subflows[0].remote == (host, peer.port)
        assert talk(sock) == b"ok"
    assert peer.result()["reason"] == "available"


@BOTH
def test_connect_async_with_streams(host):
    peer = Peer("mptcp")
    connecting = mptcpkit.connect_async((host, peer.port))
    st, answer = asyncio.run(asyncio.wait_for(_exchange(connecting), 10))
    assert st.mptcp and answer == b"ok"
    assert peer.result()["reason"] == "available"


def test_connect_async_errors():
    async def refused():
        await mptcpkit.connect_async((SRV1, 9))

    with pytest.raises(mptcpkit.Error) as e:
        asyncio.run(asyncio.wait_for(refused(), 10))
    assert e.value.errno == errno.ECONNREFUSED
    with pytest.raises(asyncio.TimeoutError):  # no host answers: the loop stays free
        asyncio.run(asyncio.wait_for(mptcpkit.connect_async((f"{NET}.1.98", 9)), 0.3))


def test_events_in_asyncio():
    async def first_created(events, port):
        loop = asyncio.get_running_loop()
        connect = loop.run_in_executor(None, lambda: mptcpkit.create_connection(
            (SRV1, port), timeout=10))
        async for ev in events.aiter():
            if ev.type == EventType.CREATED and ev.dport == port:
                sock = await connect
                return ev, sock

    peer = Peer("mptcp")
    with mptcpkit.Events() as events:
        ev, sock = asyncio.run(asyncio.wait_for(first_created(events, peer.port), 10))
    with sock:
        assert talk(sock) == b"ok"
    assert ev.daddr == SRV1 and ev.family == socket.AF_INET
    assert peer.result()["mptcp"] is True


def test_events_fd_with_add_reader():
    peer = Peer("mptcp")

    async def readable(events):
        ready = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_reader(
            events.fileno(), lambda: ready.done() or ready.set_result(True))
        try:
            sock = mptcpkit.create_connection((SRV1, peer.port), timeout=10)
            return await asyncio.wait_for(ready, 5), sock
        finally:
            asyncio.get_running_loop().remove_reader(events.fileno())

    with mptcpkit.Events() as events:
        events.read()  # drop what came before
        ok, sock = asyncio.run(readable(events))
        names = [ev.name for ev in events.read()]
    with sock:
        talk(sock)
    assert ok and "created" in names
    peer.result()


@BOTH
def test_fallback_against_a_tcp_peer(host):
    peer = Peer("tcp")
    sock = mptcpkit.create_connection((host, peer.port), timeout=10)
    with sock:
        st = mptcpkit.status(sock)
        info = mptcpkit.info(sock)
        assert talk(sock) == b"ok"
    assert (st.reason, st.errno, st.mptcp) == (Reason.FALLBACK, 0, False)
    assert info.source == mptcpkit.InfoSource.TCP and info.conn is None
    assert [s.ifname for s in info.subflows] == ["c1"]
    peer.result()


@BOTH
def test_fallback_on_the_server_side(host):
    peer = Peer("mptcp")
    with socket.create_connection((host, peer.port), timeout=10) as sock:
        assert talk(sock) == b"ok"
    assert peer.result() == {"mptcp": False, "reason": "fallback", "subflows": 1}


CLIENT = """
import json, sys, mptcpkit
print(json.dumps([str(mptcpkit.probe().reason), mptcpkit.probe().errno]))
s = mptcpkit.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"hi"); s.shutdown(1); s.recv(4)
st = mptcpkit.status(s)
print(json.dumps([str(st.reason), st.errno, st.mptcp, s.proto]))
"""


@BOTH
@pytest.mark.parametrize("err, reason", [("EINVAL", "kernel-too-old"),
                                         ("EPROTONOSUPPORT", "not-compiled"),
                                         ("EPERM", "blocked"), ("EACCES", "blocked")])
def test_reasons_from_seccomp(err, reason, host):
    peer = Peer("mptcp")
    out = subprocess.run([os.environ["MPK_SECCOMP"], err, "--", sys.executable, "-c", CLIENT,
                          host, str(peer.port)], capture_output=True, text=True,
                         env=child_env(), timeout=20)
    assert out.returncode == 0, out.stderr
    code = getattr(errno, err)
    probe, conn = (json.loads(line) for line in out.stdout.splitlines())
    assert probe == [reason, code]
    assert conn == [reason, code, False, socket.IPPROTO_TCP]
    assert peer.result() == {"mptcp": False, "reason": "fallback", "subflows": 1}


def test_reason_disabled_by_sysctl():
    script = """
import json, mptcpkit
s = mptcpkit.create_server(("127.0.0.1", 0))
c = mptcpkit.create_connection(s.getsockname())
a, _ = mptcpkit.accept(s)
print(json.dumps([str(mptcpkit.probe().reason)] +
                 [str(mptcpkit.status(x).reason) for x in (s, c, a)]))
"""
    out = subprocess.run(["ip", "netns", "exec", os.environ["MPK_NS_OFF"], sys.executable,
                          "-c", script], capture_output=True, text=True, env=child_env(),
                         timeout=20)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["disabled"] * 4


def test_connect_timeout():
    fds = len(os.listdir("/proc/self/fd"))
    # No host answers ARP for this address: the connect would hang ~3 s.
    with pytest.raises(TimeoutError):
        mptcpkit.create_connection((f"{NET}.1.99", 9), timeout=0.3)
    assert len(os.listdir("/proc/self/fd")) == fds


@pytest.fixture
def userspace_pm():
    path = "/proc/sys/net/mptcp/path_manager"
    with open(path) as f:
        before = f.read().strip()
    with open(path, "w") as f:
        f.write("userspace")
    try:
        with mptcpkit.PathManager() as handle:
            yield handle
    finally:
        with open(path, "w") as f:
            f.write(before)


def test_userspace_pm_subflow_create_and_destroy(userspace_pm):
    peer = Peer("mptcp")
    with mptcpkit.Events() as events, \
            mptcpkit.create_connection((SRV1, peer.port), timeout=10) as sock:
        sock.sendall(b"x")
        token = mptcpkit.info(sock).conn.token
        assert wait_event(events, lambda ev: ev.type == EventType.ESTABLISHED and
                          ev.token == token)
        userspace_pm.subflow_create(token, CLI2, SRV1, peer.port, local_id=5, dev="c2")
        deadline = time.monotonic() + 5
        while len(mptcpkit.info(sock).subflows) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        subflows = mptcpkit.info(sock).subflows
        assert sorted(s.local[0] for s in subflows) == [f"{NET}.1.1", CLI2]
        extra = next(s for s in subflows if s.local[0] == CLI2)
        userspace_pm.subflow_destroy(token, extra.local, extra.remote)
        deadline = time.monotonic() + 5
        while len(mptcpkit.info(sock).subflows) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [s.local[0] for s in mptcpkit.info(sock).subflows] == [f"{NET}.1.1"]
        with pytest.raises(PathManagerError):
            userspace_pm.subflow_destroy(token, extra.local, extra.remote)
        assert talk(sock) == b"ok"
    peer.result()
