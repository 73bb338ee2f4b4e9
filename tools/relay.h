/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netcat-like copy loop of `connect` and `listen`: in_fd to the socket,
 * the socket to out_fd, with half-close: EOF on in_fd shuts the socket's
 * sending side; EOF from the socket ends the copy to out_fd; done when both
 * directions are.
 */
#ifndef MPTCPKIT_RELAY_H
#define MPTCPKIT_RELAY_H

#include <stdint.h>

struct relay {
	int sock, in_fd, out_fd;
	/* Called as each direction finishes, before the sending side is shut
	 * down (the connection is still whole then: a good moment to look at
	 * its subflows). May be NULL. */
	void (*dir_done)(void *arg);
	void *arg;
	int idle_timeout_ms;  /* give up after this long without any I/O; <= 0: never */
	/* Results */
	uint64_t sent, received;
	const char *failed;  /* on error: "reading stdin", "sending", ... */
};

/* Copy until both directions are done: 0, or -errno with r->failed set
 * (-ETIMEDOUT after idle_timeout_ms without I/O). */
int relay_run(struct relay *r);

#endif
