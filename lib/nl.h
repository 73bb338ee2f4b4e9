/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic netlink requests over libmnl: one socket, one request at a time. */
#ifndef MPK_NL_H
#define MPK_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#define MPK_NL_BUFSIZE 32768 /* MNL_SOCKET_DUMP_SIZE: a dump's datagrams fit */

struct mpk_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;        /* generic netlink family id */
	uint32_t events_group;  /* multicast group id, 0 if none */
	char ext_ack[256];      /* "" when the kernel gave no message */
	char *buf;              /* MPK_NL_BUFSIZE bytes */
};

/* A reply message; returns 0 to go on, > 0 to ignore the rest (the
 * replies are still read to the end), -errno to fail. */
typedef int (*mpk_nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Open the socket (sock_flags: SOCK_NONBLOCK and/or SOCK_CLOEXEC) and
 * resolve family name and, if group is not NULL, its multicast group. */
int mpk_nl_open(struct mpk_nl *nl, int sock_flags, const char *family,
		const char *group);
void mpk_nl_close(struct mpk_nl *nl);

/* Start a request to the family in nl->buf: header, genl header. */
struct nlmsghdr *mpk_nl_request(struct mpk_nl *nl, uint8_t cmd, uint16_t flags);

/* Send and read replies until the ACK, DONE or an error: 0 or -errno.
 * cb (may be NULL) sees each data message. */
int mpk_nl_talk(struct mpk_nl *nl, struct nlmsghdr *req, mpk_nl_msg_cb cb, void *data);

/* Parse the CTRL_CMD_GETFAMILY reply: family id and the id of group (may
 * be NULL; *group_id 0 when it is missing). 0 or -EBADMSG. */
int mpk_nl_parse_family(const struct nlmsghdr *nlh, const char *group,
			uint16_t *id, uint32_t *group_id);

/* The kernel's NLMSG_ERROR: -errno (0 for an ACK); the extended ACK
 * message is copied into msg (may be NULL). -EBADMSG if malformed. */
int mpk_nl_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen);

/* mnl_nlmsg_ok(), also refusing lengths above INT_MAX, which libmnl's
 * signed comparison lets through. */
bool mpk_nl_msg_ok(const struct nlmsghdr *nlh, int len);

/* Every message of a datagram is whole: 0 or -EBADMSG. */
int mpk_nl_messages_complete(const void *buf, size_t len);

/* The attributes in [payload, payload+len) are whole: 0, or -EBADMSG when
 * a trailing piece is not a complete attribute (a truncated message). */
int mpk_nl_attrs_complete(const void *payload, size_t len);

#endif
