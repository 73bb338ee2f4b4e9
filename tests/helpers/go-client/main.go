// SPDX-License-Identifier: GPL-2.0-or-later

// go-client ADDR PORT [TEXT]: a Go TCP client with no MPTCP in it, for
// 'mptcpkit run' to force. Go makes its system calls itself, without libc,
// so an LD_PRELOAD shim never sees its socket(); seccomp mode does.
// GO_CLIENT_USER_TIMEOUT=MS sets TCP_USER_TIMEOUT before connecting, as
// gRPC and Tailscale do (MPTCP refuses it on Linux 6.18).
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
)

const tcpUserTimeout = 18 // TCP_USER_TIMEOUT (not in Go 1.19's syscall)

func dialer() *net.Dialer {
	ms, err := strconv.Atoi(os.Getenv("GO_CLIENT_USER_TIMEOUT"))
	if err != nil {
		return &net.Dialer{}
	}
	return &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpUserTimeout, ms)
		}); err != nil {
			return err
		}
		return serr
	}}
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go-client ADDR PORT [TEXT]")
		os.Exit(2)
	}
	text := "hello"
	if len(os.Args) > 3 {
		text = os.Args[3]
	}
	conn, err := dialer().Dial("tcp", net.JoinHostPort(os.Args[1], os.Args[2]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(1)
	}
	defer conn.Close()
	fmt.Fprintln(conn, text)
	conn.(*net.TCPConn).CloseWrite()
	io.Copy(os.Stdout, conn)
}
