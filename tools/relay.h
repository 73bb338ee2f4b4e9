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
	/* Called once, when the first direction finishes (the connection is
	 * still whole then: a good moment to look at its subflows). May be NULL. */
	void (*half_done)(void *arg);
	void *arg;
	/* Results */
	uint64_t sent, received;
	const char *failed;  /* on error: "reading stdin", "sending", ... */
};

/* Copy until both directions are done: 0, or -errno with r->failed set. */
int relay_run(struct relay *r);

#endif
