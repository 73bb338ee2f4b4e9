// SPDX-License-Identifier: MIT

// Package mptcp holds what the Go hello client and server share: the
// reasons a connection does not run Multipath TCP, in libmptcpkit's words
// (lib/reason.c), and how a Go program finds them.
//
// Go asks for MPTCP with Dialer.SetMultipathTCP and
// ListenConfig.SetMultipathTCP, and falls back to TCP by itself when the
// kernel refuses an MPTCP socket -- without saying why: the errno of the
// refused socket() stays inside the net package. So a Go program looks at
// the socket it got (SO_PROTOCOL), and when that is TCP it asks the kernel
// once more itself, through package syscall, to see the errno.
package mptcp

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// Not in package syscall, which is frozen.
const (
	IPPROTO_MPTCP    = 262
	TCP_USER_TIMEOUT = 18
)

// A Reason says whether a socket or a connection runs MPTCP, and if not, why.
type Reason string

// The C library's reasons, by name.
const (
	Available    Reason = "available"
	KernelTooOld Reason = "kernel-too-old"
	NotCompiled  Reason = "not-compiled"
	Disabled     Reason = "disabled"
	Blocked      Reason = "blocked"
	Fallback     Reason = "fallback"
	// Go only: the program did not ask for MPTCP (GODEBUG=multipathtcp=0).
	NotRequested Reason = "not-requested"
)

var sentences = map[Reason]string{
	Available:    "MPTCP is in use",
	KernelTooOld: "the kernel is too old for MPTCP (Linux 5.6 or later is needed)",
	NotCompiled:  "the kernel was built without MPTCP support (CONFIG_MPTCP)",
	Disabled:     "MPTCP is disabled in this network namespace (sysctl net.mptcp.enabled = 0)",
	Blocked:      "MPTCP sockets are blocked on this system (by SELinux, seccomp, eBPF or similar)",
	Fallback:     "the connection fell back to TCP (the peer or a middlebox does not support MPTCP)",
	NotRequested: "MPTCP was not asked for (GODEBUG=multipathtcp=0)",
}

// Describe returns the reason's sentence.
func (r Reason) Describe() string { return sentences[r] }

// MPTCP reports whether the reason means MPTCP is in use.
func (r Reason) MPTCP() bool { return r == Available }

// Line is one status line: "what: MPTCP (available: MPTCP is in use)".
func (r Reason) Line(what string) string {
	transport := "TCP"
	if r.MPTCP() {
		transport = "MPTCP"
	}
	return fmt.Sprintf("%s: %s (%s: %s)", what, transport, r, r.Describe())
}

// FromErrno says why socket(..., IPPROTO_MPTCP) failed with err.
func FromErrno(err error) Reason {
	switch {
	case errors.Is(err, syscall.EINVAL): // Linux before 5.6
		return KernelTooOld
	case errors.Is(err, syscall.EPROTONOSUPPORT): // built without CONFIG_MPTCP
		return NotCompiled
	case errors.Is(err, syscall.ENOPROTOOPT): // sysctl net.mptcp.enabled = 0
		return Disabled
	}
	return Blocked // EPERM, EACCES...: SELinux, seccomp, eBPF
}

// Probe asks the kernel for an MPTCP socket of this family, as the net
// package did, and says why it refuses one now.
func Probe(family int) Reason {
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, IPPROTO_MPTCP)
	if err != nil {
		return FromErrno(err)
	}
	syscall.Close(fd)
	// Refused to Go, given now: not the kernel's lasting answer (EINVAL,
	// EPROTONOSUPPORT, ENOPROTOOPT), so one of the others.
	return Blocked
}

// AtSocket is the socket-time reason of a connection or a listener:
// Available when Go got an MPTCP socket, else why the kernel refused it.
// asked says whether the program asked for MPTCP at all.
func AtSocket(c syscall.Conn, asked bool) Reason {
	var proto, family int
	var err, err2 error
	raw, err := c.SyscallConn()
	if err == nil {
		err = raw.Control(func(fd uintptr) {
			proto, err = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PROTOCOL)
			family, err2 = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_DOMAIN)
		})
	}
	switch {
	case err != nil || err2 != nil:
		return Blocked // the net package's sockets always answer these
	case proto == IPPROTO_MPTCP:
		return Available
	case !asked:
		return NotRequested
	}
	return Probe(family)
}

// Live is the reason of a live connection whose socket-time reason is
// atSocket: an MPTCP socket may have fallen back to TCP during the
// handshake (a peer or a middlebox without MPTCP).
//
// TCPConn.MultipathTCP asks the kernel (MPTCP_INFO) on Linux 5.16 and
// later; before 5.16 it only says that the socket is MPTCP.
func Live(conn *net.TCPConn, atSocket Reason) Reason {
	if !atSocket.MPTCP() {
		return atSocket
	}
	if mptcp, err := conn.MultipathTCP(); err == nil && mptcp {
		return Available
	}
	return Fallback
}

// ErrorText gives an error in the C examples' words: the resolver's
// errors as libmptcpkit names them, an errno as strerror(3) spells it.
func ErrorText(err error) string {
	var dns *net.DNSError
	var errno syscall.Errno
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "host not found"
	case errors.As(err, &dns):
		return "name resolution failed"
	case errors.As(err, &errno):
		// Go spells errnos in lower case: "connection refused".
		text := errno.Error()
		if text != "" && text[0] >= 'a' && text[0] <= 'z' {
			text = string(text[0]-'a'+'A') + text[1:]
		}
		return text
	}
	return err.Error()
}

// Port checks a port or service name as getaddrinfo(3) would, so that
// "99999" is refused instead of wrapping around 16 bits.
func Port(port string) (string, error) {
	n, err := net.LookupPort("tcp", port)
	if err != nil {
		return "", errors.New("invalid service or port")
	}
	return fmt.Sprint(n), nil
}
