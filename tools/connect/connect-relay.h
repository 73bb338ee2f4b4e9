/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netcat-like copy loop of `connect` and `listen`: in_fd to the socket,
 * the socket to out_fd, with half-close: EOF on in_fd shuts the socket's
 * sending side; EOF from the socket ends the copy to out_fd; done when both
 * directions are.
 */
#ifndef MPTCPKIT_CONNECT_RELAY_H
#define MPTCPKIT_CONNECT_RELAY_H

#include <stdint.h>

/* Where the copy failed. */
enum relay_stage {
	RELAY_OK,             /* it did not */
	RELAY_ALLOCATING,     /* the buffers */
	RELAY_WAITING,        /* poll() */
	RELAY_IDLE,           /* nothing moved for idle_timeout_ms */
	RELAY_READING_INPUT,  /* in_fd */
	RELAY_RECEIVING,      /* the socket, from the peer */
	RELAY_SENDING,        /* the socket, to the peer */
	RELAY_WRITING_OUTPUT, /* out_fd */
};

/* The stage in words, for messages: "sending", "reading standard input"... */
const char *relay_stage_name(enum relay_stage stage);

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
	enum relay_stage failed;  /* on error: where */
};

/* Copy until both directions are done: 0, or -errno with r->failed set
 * (-ETIMEDOUT after idle_timeout_ms without I/O). An engine: it never prints. */
int relay_run(struct relay *r);

#endif
