# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions: each carries the library's message (mpk_strerror)."""
from ._abi import MPK_EHOSTNOTFOUND, MPK_ERESOLVE, lib, text


class Error(OSError):
    """A libmptcpkit call failed. errno is the library's error code (an
    errno value, or MPK_E* for name resolution), strerror its message."""

    def __init__(self, code: int, what: str = ""):
        message = text(lib.mpk_strerror(code))
        super().__init__(code, message)
        self.what = what

    def __str__(self) -> str:
        return f"{self.what}: {self.strerror}" if self.what else str(self.strerror)


class ResolveError(Error):
    """The host or service did not resolve (errno is MPK_EHOSTNOTFOUND,
    MPK_ESERVICE or MPK_ERESOLVE)."""


class PathManagerError(Error):
    """A path-manager command failed; ext_ack is the kernel's own
    explanation when it gave one (e.g. "endpoint id out of range")."""

    def __init__(self, code: int, what: str = "", ext_ack: str = ""):
        super().__init__(code, what)
        self.ext_ack = ext_ack

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.ext_ack})" if self.ext_ack else base


def check(rc: int, what: str) -> int:
    """rc when it is not negative, else the matching exception."""
    if rc >= 0:
        return rc
    if MPK_EHOSTNOTFOUND <= -rc <= MPK_ERESOLVE:
        raise ResolveError(-rc, what)
    raise Error(-rc, what)
