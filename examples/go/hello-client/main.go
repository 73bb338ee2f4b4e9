// SPDX-License-Identifier: MIT

// hello-client: say hello to a server over Multipath TCP, and tell whether
// MPTCP was really used -- and if not, why.
//
//	hello-client [-4|-6] [-j] HOST PORT
//
// The same program as examples/c/hello-client and
// examples/python/hello_client.py, with the same output, in Go with the
// standard library only (Go 1.21 or later). Two things keep a connection
// off MPTCP: the kernel refuses the MPTCP socket (Go then quietly uses TCP;
// package mptcp finds out why), or the peer or a middlebox does not speak
// MPTCP and the connection falls back to TCP (TCPConn.MultipathTCP tells).
// Either way the connection works.
//
// Build: go build ./hello-client (in examples/go)
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"mptcpkit.example/hello/mptcp"
)

const prog = "hello-client"

func usage() {
	fmt.Fprintf(os.Stderr, "usage: %s [-4|-6] [-j] HOST PORT\n", prog)
	os.Exit(2)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, prog+": "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	flags := flag.NewFlagSet(prog, flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	v4 := flags.Bool("4", false, "IPv4 only")
	v6 := flags.Bool("6", false, "IPv6 only")
	json := flags.Bool("j", false, "one JSON line")
	if flags.Parse(os.Args[1:]) != nil || flags.NArg() != 2 || (*v4 && *v6) {
		usage()
	}
	host, port := flags.Arg(0), flags.Arg(1)
	network := "tcp"
	if *v4 {
		network = "tcp4"
	} else if *v6 {
		network = "tcp6"
	}

	number, err := mptcp.Port(port)
	if err != nil {
		fail("cannot connect to %s port %s: %v", host, port, err)
	}
	// Ask for MPTCP. This overrides GODEBUG=multipathtcp (Go dials TCP by
	// default, 1.24 included); Go falls back to TCP by itself when the
	// kernel refuses MPTCP, and tries each address of host in turn.
	var dialer net.Dialer
	dialer.SetMultipathTCP(true)
	c, err := dialer.Dial(network, net.JoinHostPort(host, number))
	if err != nil {
		fail("cannot connect to %s port %s: %s", host, port, mptcp.ErrorText(err))
	}
	conn := c.(*net.TCPConn)
	defer conn.Close()
	atSocket := mptcp.AtSocket(conn, true)

	// Send the greeting, then read the answer until the server closes.
	var answer []byte
	if _, err = conn.Write([]byte("hello\n")); err == nil {
		answer, err = io.ReadAll(io.LimitReader(conn, 255))
	}
	if err != nil || len(answer) == 0 {
		fail("no answer from %s port %s", host, port)
	}
	// Ask now that data went both ways: MPTCP can fall back during the
	// handshake and even on the first data.
	live := mptcp.Live(conn, atSocket)

	if *json {
		fmt.Printf("{\"socket_reason\":\"%s\",\"mptcp\":%t,\"reason\":\"%s\"}\n",
			atSocket, live.MPTCP(), live)
		return
	}
	fmt.Println(atSocket.Line("socket"))
	fmt.Println(live.Line("connection"))
	fmt.Println("answer:", strings.SplitN(string(answer), "\n", 2)[0])
}
