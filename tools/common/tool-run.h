/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running the real tools (nft, ip, ipvsadm) with their input on stdin: the
 * proxy's transparent rules and the balancer's rules are applied by the
 * programs made for them, never by a netlink encoder of ours. */
#ifndef MPTCPKIT_TOOL_RUN_H
#define MPTCPKIT_TOOL_RUN_H

/* ARGV (argv[0] looked up in PATH) with TEXT on its standard input (may be
 * NULL), its output discarded. 0, -ENOENT (no such program), -EIO (it ran
 * and failed), or another -errno. */
int tool_run(char *const argv[], const char *text);

#endif
