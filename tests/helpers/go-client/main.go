// SPDX-License-Identifier: GPL-2.0-or-later

// go-client ADDR PORT [TEXT]: a Go TCP client with no MPTCP in it, for
// 'mptcpkit run' to force. Go makes its system calls itself, without libc,
// so an LD_PRELOAD shim never sees its socket(); seccomp mode does.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go-client ADDR PORT [TEXT]")
		os.Exit(2)
	}
	text := "hello"
	if len(os.Args) > 3 {
		text = os.Args[3]
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(os.Args[1], os.Args[2]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(1)
	}
	defer conn.Close()
	fmt.Fprintln(conn, text)
	conn.(*net.TCPConn).CloseWrite()
	io.Copy(os.Stdout, conn)
}
