// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Save raw mptcp_pm netlink datagrams as fuzzer seeds: each file is one
 * kind byte ('v' event, 'e' endpoint, 'l' limits) followed by the datagram
 * exactly as the kernel sent it.
 *   pm-capture events DIR COUNT SECONDS   the next COUNT event datagrams
 *   pm-capture dump DIR                    an endpoint dump and the limits
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "nl.h"
#include "uapi/mptcp-pm-uapi.h"

static int save(const char *dir, const char *name, int n, char kind,
		const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%02d.bin", dir, name, n);
	f = fopen(path, "wb");
	if (!f || fputc(kind, f) == EOF || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

static int capture_events(const char *dir, int count, int seconds)
{
	struct mpk_nl nl;
	struct pollfd pfd;
	int n = 0;

	if (mpk_nl_open(&nl, SOCK_NONBLOCK, MPK_MPTCP_PM_NAME, MPK_MPTCP_PM_EV_GRP_NAME) < 0 ||
	    mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, &nl.events_group,
				  sizeof(nl.events_group)) < 0) {
		perror("events");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	pfd.fd = mnl_socket_get_fd(nl.sock);
	pfd.events = POLLIN;
	while (n < count && poll(&pfd, 1, seconds * 1000) > 0) {
		ssize_t len = recv(pfd.fd, nl.buf, MPK_NL_BUFSIZE, 0);

		if (len > 0 && save(dir, "event", n++, 'v', nl.buf, (size_t)len) < 0)
			break;
	}
	mpk_nl_close(&nl);
	return n == count ? 0 : 1;
}

/* Send one request and save every reply datagram up to the ACK or DONE. */
static int save_replies(struct mpk_nl *nl, uint8_t cmd, uint16_t flags,
			const char *dir, const char *name, char kind)
{
	struct nlmsghdr *req = mpk_nl_request(nl, cmd, flags);
	int n = 0;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, nl->buf, MPK_NL_BUFSIZE);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;

		if (len <= 0 || save(dir, name, n++, kind, nl->buf, (size_t)len) < 0)
			return -1;
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR ||
		    !(nlh->nlmsg_flags & NLM_F_MULTI))
			return 0;
	}
}

static int capture_dump(const char *dir)
{
	struct mpk_nl nl;
	int ret;

	if (mpk_nl_open(&nl, 0, MPK_MPTCP_PM_NAME, NULL) < 0) {
		perror("mptcp_pm");
		return 1;
	}
	ret = save_replies(&nl, MPK_MPTCP_PM_CMD_GET_ADDR, NLM_F_DUMP, dir, "endpoints", 'e');
	if (ret == 0)
		ret = save_replies(&nl, MPK_MPTCP_PM_CMD_GET_LIMITS, 0, dir, "limits", 'l');
	mpk_nl_close(&nl);
	return ret < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "events"))
		return capture_events(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return capture_dump(argv[2]);
	fprintf(stderr, "usage: pm-capture events DIR COUNT SECONDS | dump DIR\n");
	return 2;
}
