# SPDX-License-Identifier: LGPL-2.1-or-later
"""Path-manager events: blocking iteration, or a descriptor for event loops."""
import asyncio
import ctypes
import enum
import errno
import select
import socket
from dataclasses import dataclass
from typing import AsyncIterator, Iterator, List, Optional, Union

from ._abi import EVENT_CB, MpkPmEvent, lib, text
from .errors import PathManagerError

# Bits of struct mpk_pm_event.present (MPK_PM_EV_*).
_SADDR = (1 << 5) | (1 << 6)
_DADDR = (1 << 7) | (1 << 8)


class EventType(enum.IntEnum):
    """enum mpk_pm_event_type: the kernel's MPTCP_EVENT_* numbers."""

    CREATED = 1
    ESTABLISHED = 2
    CLOSED = 3
    ANNOUNCED = 6
    REMOVED = 7
    SUB_ESTABLISHED = 10
    SUB_CLOSED = 11
    SUB_PRIORITY = 13
    LISTENER_CREATED = 15
    LISTENER_CLOSED = 16

    @property
    def label(self) -> str:
        """The library's name: "created", "sub_established", ..."""
        return text(lib.mpk_pm_event_name(self.value))


@dataclass(frozen=True)
class Event:
    """One event (struct mpk_pm_event); absent attributes are zero/None."""

    type: Union[EventType, int]  # an int for a type this version does not know
    name: str                    # the library's name, "" when unknown
    present: int                 # MPK_PM_EV_* bits: what the kernel sent
    token: int
    family: int
    saddr: Optional[str]         # local address of the connection or subflow
    daddr: Optional[str]         # remote (for ANNOUNCED: the announced address)
    sport: int
    dport: int
    loc_id: int
    rem_id: int
    ifindex: int
    backup: bool
    error: int
    flags: int
    timeout: int
    reset_reason: int
    reset_flags: int
    server_side: bool


def _addr(ev: MpkPmEvent, which: str, bits: int) -> Optional[str]:
    if not ev.present & bits or ev.family not in (socket.AF_INET, socket.AF_INET6):
        return None
    size = 4 if ev.family == socket.AF_INET else 16
    return socket.inet_ntop(ev.family, bytes(getattr(ev, which))[:size])


def _event(ev: MpkPmEvent) -> Event:
    try:
        kind: Union[EventType, int] = EventType(ev.type)
    except ValueError:
        kind = ev.type
    return Event(kind, text(lib.mpk_pm_event_name(ev.type)), ev.present, ev.token,
                 ev.family, _addr(ev, "saddr", _SADDR), _addr(ev, "daddr", _DADDR),
                 ev.sport, ev.dport, ev.loc_id, ev.rem_id, ev.ifindex, bool(ev.backup),
                 ev.error, ev.flags, ev.timeout, ev.reset_reason, ev.reset_flags,
                 bool(ev.server_side))


class Events:
    """Events of this network namespace's path manager. Iterate to block
    for events; or register fileno() with a selector/event loop and call
    read() when it is readable; or `async for ev in events.aiter()`.
    lost counts the times the kernel dropped events (the socket overran)."""

    def __init__(self) -> None:
        self._evs = ctypes.c_void_p()
        rc = lib.mpk_pm_events_open(ctypes.byref(self._evs))
        if rc < 0:
            self._evs = None
            raise PathManagerError(-rc, "open the path-manager events")
        self.lost = 0

    def close(self) -> None:
        if self._evs:
            lib.mpk_pm_events_close(self._evs)
            self._evs = None

    def __enter__(self) -> "Events":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def fileno(self) -> int:
        """The descriptor to poll for readability (non-blocking)."""
        if not self._evs:
            raise ValueError("the event handle is closed")
        return lib.mpk_pm_event_fd(self._evs)

    def read(self) -> List[Event]:
        """What is queued now, never blocking ([] when nothing is)."""
        fd = self.fileno()  # also checks that the handle is open
        found: List[Event] = []

        def collect(ev, _data):
            found.append(_event(ev.contents))
            return 0

        while True:
            rc = lib.mpk_pm_event_read(self._evs, EVENT_CB(collect), None)
            if rc == -errno.ENOBUFS:
                self.lost += 1
                continue
            if rc == -errno.EAGAIN or (rc >= 0 and not _readable(fd)):
                return found
            if rc < 0:
                raise PathManagerError(-rc, "read path-manager events")

    def wait(self, timeout: Optional[float] = None) -> List[Event]:
        """Block until events come (at most timeout seconds); [] on timeout."""
        poller = select.poll()
        poller.register(self.fileno(), select.POLLIN)
        if not poller.poll(None if timeout is None else timeout * 1000):
            return []
        return self.read()

    def __iter__(self) -> Iterator[Event]:
        while True:
            yield from self.wait()

    async def aiter(self) -> AsyncIterator[Event]:
        """Events as an asyncio async iterator, through the loop's reader."""
        loop = asyncio.get_running_loop()
        while True:
            batch = self.read()
            if not batch:
                ready = loop.create_future()
                loop.add_reader(self.fileno(), lambda: ready.done() or ready.set_result(None))
                try:
                    await ready
                finally:
                    loop.remove_reader(self.fileno())
                continue
            for ev in batch:
                yield ev


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
