# SPDX-License-Identifier: LGPL-2.1-or-later
"""Why a socket or connection does or does not use MPTCP."""
import enum
import socket
from dataclasses import dataclass

from ._abi import MpkStatus, lib, text
from .errors import check


class Reason(enum.IntEnum):
    """enum mpk_reason. str() is the library's stable name ("disabled"),
    .description its sentence."""

    AVAILABLE = 0
    KERNEL_TOO_OLD = 1
    NOT_COMPILED = 2
    DISABLED = 3
    BLOCKED = 4
    FALLBACK = 5

    @property
    def label(self) -> str:
        """The stable name: "available", "kernel-too-old", ..."""
        return text(lib.mpk_reason_name(self.value))

    @property
    def description(self) -> str:
        """A sentence a person understands."""
        return text(lib.mpk_reason_describe(self.value))

    @classmethod
    def from_errno(cls, err: int) -> "Reason":
        """The reason socket(..., IPPROTO_MPTCP) failing with err stands for."""
        return cls(lib.mpk_reason_from_errno(err))

    @classmethod
    def from_label(cls, label: str) -> "Reason":
        """The reason whose stable name is label; ValueError if none."""
        for reason in cls:
            if reason.label == label:
                return reason
        raise ValueError(f"unknown reason {label!r}")

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Status:
    """What decided whether MPTCP is used (struct mpk_status)."""

    reason: Reason
    errno: int  # the errno behind the reason; 0 for available and fallback
    mptcp: bool  # true exactly when reason is AVAILABLE

    @property
    def description(self) -> str:
        return self.reason.description

    @classmethod
    def _from_c(cls, st: MpkStatus) -> "Status":
        return cls(Reason(st.reason), st.error, bool(st.mptcp))

    def __str__(self) -> str:
        return f"{'MPTCP' if self.mptcp else 'TCP'} ({self.reason}: {self.description})"


def probe(family: int = socket.AF_INET) -> Status:
    """Whether MPTCP sockets of this family (AF_INET or AF_INET6) can be
    created now, and if not why. Raises Error for another family."""
    if isinstance(family, bool) or not isinstance(family, int):
        raise TypeError(f"family must be an int (socket.AF_*), not {type(family).__name__}")
    st = MpkStatus()
    rc = lib.mpk_probe(int(family), st)
    if rc < 0 and st.reason == 0 and not st.mptcp:
        check(rc, "probe")  # nothing was probed: a bad family
    return Status._from_c(st)
