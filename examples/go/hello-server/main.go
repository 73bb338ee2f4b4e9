// SPDX-License-Identifier: MIT

// hello-server: answer hello clients over Multipath TCP, and tell for each
// connection whether it really runs MPTCP -- and if not, why.
//
//	hello-server [-j] [-b ADDR] [-n COUNT] [-u MS] PORT
//
// The same program as examples/c/hello-server and
// examples/python/hello_server.py, with the same output, in Go with the
// standard library only. It listens on every address, IPv6 and IPv4 on one
// socket (-b ADDR: one address); -n COUNT stops after COUNT connections;
// -j prints one JSON line per connection.
//
// Go 1.24 made MPTCP the default for listeners, and GODEBUG=multipathtcp=0
// turns it off; Go 1.21 to 1.23 listen with TCP unless asked. This server
// does what 1.24 does, whichever Go built it:
//
//	hello-server 7000                          MPTCP
//	GODEBUG=multipathtcp=0 hello-server 7000   TCP (not-requested)
//
// -u MS sets TCP_USER_TIMEOUT on each connection, as gRPC and Tailscale
// do; see setUserTimeout for what MPTCP does with it.
//
// Build: go build ./hello-server (in examples/go)
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"mptcpkit.example/hello/mptcp"
)

const prog = "hello-server"

func usage() {
	fmt.Fprintf(os.Stderr, "usage: %s [-j] [-b ADDR] [-n COUNT] [-u MS] PORT\n", prog)
	os.Exit(2)
}

// optedOut reports whether GODEBUG turns MPTCP off for listeners: "0", or
// Go 1.24's "3" (dialers only). The last multipathtcp= setting counts.
func optedOut() bool {
	value := ""
	for _, setting := range strings.Split(os.Getenv("GODEBUG"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(setting), "multipathtcp="); ok {
			value = v
		}
	}
	return value == "0" || value == "3"
}

// answer reads the greeting line and answers it. A client that says
// nothing for 5 seconds is dropped, so one silent client cannot block the
// others.
func answer(conn *net.TCPConn) {
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(io.LimitReader(conn, 127)).ReadString('\n')
	if end := strings.IndexAny(line, "\r\n"); end >= 0 {
		line = line[:end]
	}
	if _, err := fmt.Fprintf(conn, "hi, you said \"%s\"\n", line); err != nil {
		fmt.Fprintf(os.Stderr, "%s: could not answer a client\n", prog)
	}
}

// Servers set TCP options on their connections: TCP_USER_TIMEOUT (gRPC,
// Tailscale), TCP_MD5SIG (BGP daemons), IP_TTL... An MPTCP socket refuses
// some of them with ENOPROTOOPT or EOPNOTSUPP (`mptcpkit check --sockopts`
// lists what this kernel refuses). A server that treats that error as fatal
// breaks the day its listener becomes MPTCP -- Go 1.24's default -- which
// is why Traefik and Tailscale turned MPTCP off. Serve without the option
// instead, and say so once.
var userTimeoutRefused bool

func setUserTimeout(conn *net.TCPConn, ms int) {
	raw, err := conn.SyscallConn()
	if err == nil {
		raw.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, mptcp.TCP_USER_TIMEOUT, ms)
		})
	}
	switch {
	case err == nil:
	case errors.Is(err, syscall.ENOPROTOOPT) || errors.Is(err, syscall.EOPNOTSUPP):
		if !userTimeoutRefused {
			fmt.Fprintf(os.Stderr, "%s: TCP_USER_TIMEOUT refused on an MPTCP connection (%s): "+
				"serving without it (mptcpkit check --sockopts)\n", prog, mptcp.ErrorText(err))
		}
		userTimeoutRefused = true
	default:
		fmt.Fprintf(os.Stderr, "%s: TCP_USER_TIMEOUT: %s\n", prog, mptcp.ErrorText(err))
	}
}

func main() {
	flags := flag.NewFlagSet(prog, flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	json := flags.Bool("j", false, "one JSON line per connection")
	bind := flags.String("b", "", "listen on this address only")
	count := flags.Int("n", -1, "stop after COUNT connections")
	userTimeout := flags.Int("u", 0, "TCP_USER_TIMEOUT in ms")
	if flags.Parse(os.Args[1:]) != nil || flags.NArg() != 1 ||
		*count == 0 || *count < -1 || *userTimeout < 0 {
		usage()
	}
	where := *bind
	if where == "" {
		where = "every address"
	}
	port, err := mptcp.Port(flags.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot listen on %s port %s: %v\n", prog, where, flags.Arg(0), err)
		os.Exit(1)
	}

	// MPTCP unless GODEBUG opts out, as Go 1.24 does by default. Go falls
	// back to TCP by itself when the kernel refuses MPTCP.
	var lc net.ListenConfig
	if !optedOut() {
		lc.SetMultipathTCP(true)
	}
	l, err := lc.Listen(context.Background(), "tcp", net.JoinHostPort(*bind, port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot listen on %s port %s: %s\n", prog, where,
			flags.Arg(0), mptcp.ErrorText(err))
		os.Exit(1)
	}
	listener := l.(*net.TCPListener)
	atListen := mptcp.AtSocket(listener, lc.MultipathTCP())
	if !*json {
		fmt.Println(atListen.Line(fmt.Sprint("listening on port ", listener.Addr().(*net.TCPAddr).Port)))
	}

	for served := 0; *count < 0 || served < *count; served++ {
		conn, err := listener.AcceptTCP()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: accept: %s\n", prog, mptcp.ErrorText(err))
			continue
		}
		// A TCP listener gives TCP connections: its reason is the one.
		reason := mptcp.Live(conn, atListen)
		// IPv4 clients of the dual-stack socket come as ::ffff:a.b.c.d,
		// which Go prints as a.b.c.d.
		peer := conn.RemoteAddr().String()
		if *json {
			fmt.Printf("{\"peer\":\"%s\",\"mptcp\":%t,\"reason\":\"%s\"}\n", peer, reason.MPTCP(), reason)
		} else {
			fmt.Println(reason.Line("connection from " + peer))
		}
		if *userTimeout > 0 {
			setUserTimeout(conn, *userTimeout)
		}
		answer(conn)
		conn.Close()
	}
	listener.Close()
}
