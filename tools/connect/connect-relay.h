/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netcat-like copy loop of `connect` and `listen`: in_fd to the socket,
 * the socket to out_fd; done when both directions are.
 *
 * Half-close keeps multipath as long as it can. The kernel refuses every
 * MP_JOIN once either side has sent DATA_FIN (shutdown(SHUT_WR)): from then
 * on the connection lives only on the subflows it has. So:
 *   - EOF on in_fd before anything was read means "nothing to send", not
 *     "shut down now": the sending side stays open and the copy ends when
 *     the peer closes its side (netcat-openbsd's default). RELAY_EOF_NOW
 *     (-N) shuts down at once, for peers that wait for our end.
 *   - EOF after data: the sending side is shut down once the peer has
 *     acknowledged everything (SIOCOUTQ 0), so that the data still in
 *     flight may use new subflows; at once if the peer has closed already.
 *   - no_input (-d): in_fd is never read: nothing to send.
 */
#ifndef MPTCPKIT_CONNECT_RELAY_H
#define MPTCPKIT_CONNECT_RELAY_H

#include <stdbool.h>
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

/* When EOF on in_fd shuts the socket's sending side down. */
enum relay_eof {
	RELAY_EOF_KEEP,	/* the default above */
	RELAY_EOF_NOW,	/* at once, whatever was sent (netcat -N) */
};

/* Why the connection can no longer take new subflows (it is half-closed). */
enum relay_half {
	RELAY_HALF_OURS,	/* we sent our DATA_FIN */
	RELAY_HALF_PEER,	/* the peer sent its DATA_FIN */
};

struct relay {
	int sock, in_fd, out_fd;
	enum relay_eof eof;
	bool no_input;	/* never read in_fd */
	/* Called once, when the connection becomes half-closed either way.
	 * May be NULL. */
	void (*half_closed)(void *arg, enum relay_half why);
	/* Called as each direction finishes, before the sending side is shut
	 * down (the connection is still whole then: a good moment to look at
	 * its subflows). May be NULL. */
	void (*dir_done)(void *arg);
	void *arg;
	int idle_timeout_ms;  /* give up after this long without any I/O; <= 0: never */
	/* Internal */
	int idle_ms;
	bool half_done;
	/* Results */
	uint64_t sent, received;
	enum relay_stage failed;  /* on error: where */
};

/* Copy until both directions are done: 0, or -errno with r->failed set
 * (-ETIMEDOUT after idle_timeout_ms without I/O). An engine: it never prints. */
int relay_run(struct relay *r);

#endif
