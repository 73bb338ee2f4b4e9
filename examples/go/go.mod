// SPDX-License-Identifier: MIT
// The Go hello client and server: standard library only, Go 1.21 or later
// (Dialer.SetMultipathTCP, ListenConfig.SetMultipathTCP, TCPConn.MultipathTCP).
module mptcpkit.example/hello

go 1.21
