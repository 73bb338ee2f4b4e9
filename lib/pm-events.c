// SPDX-License-Identifier: LGPL-2.1-or-later
/* Receiving the mptcp_pm_events multicast group. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "internal.h"
#include "pm-internal.h"
#include "pm-parse.h"
#include "uapi/mptcp-pm-uapi.h"

/* Many connections opening at once send bursts of events: room for them
 * (best effort; the limit is net.core.rmem_max unless privileged). */
static void grow_rcvbuf(int fd)
{
	int size = 1 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

MPK_EXPORT int mpk_pm_events_open(struct mpk_pm_events **out)
{
	struct mpk_pm_events *evs = calloc(1, sizeof(*evs));
	int ret;

	if (!evs)
		return -ENOMEM;
	ret = mpk_nl_open(&evs->nl, SOCK_NONBLOCK | SOCK_CLOEXEC,
			  MPK_MPTCP_PM_NAME, MPK_MPTCP_PM_EV_GRP_NAME);
	if (ret == 0 &&
	    mnl_socket_setsockopt(evs->nl.sock, NETLINK_ADD_MEMBERSHIP,
				  &evs->nl.events_group, sizeof(evs->nl.events_group)) < 0)
		ret = -errno;
	if (ret == 0)
		grow_rcvbuf(mnl_socket_get_fd(evs->nl.sock));
	if (ret < 0) {
		mpk_nl_close(&evs->nl);
		free(evs);
		return ret;
	}
	*out = evs;
	return 0;
}

MPK_EXPORT void mpk_pm_events_close(struct mpk_pm_events *evs)
{
	if (!evs)
		return;
	mpk_nl_close(&evs->nl);
	free(evs);
}

MPK_EXPORT int mpk_pm_event_fd(const struct mpk_pm_events *evs)
{
	return evs ? mnl_socket_get_fd(evs->nl.sock) : -EINVAL;
}

/* Every event message in one datagram: the count delivered, or the
 * callback's non-zero return. */
static int deliver(struct mpk_pm_events *evs, int len, mpk_pm_event_cb cb,
		   void *data, int *bad)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)evs->nl.buf;
	struct mpk_pm_event ev;
	int count = 0;

	for (; mpk_nl_msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != evs->nl.family)
			continue;
		if (mpk_pm_parse_event(nlh, &ev) < 0) {
			(*bad)++;
			continue;
		}
		count++;
		if (cb) {
			int ret = cb(&ev, data);

			if (ret)
				return ret;
		}
	}
	if (len > 0)
		(*bad)++;
	return count;
}

MPK_EXPORT int mpk_pm_event_read(struct mpk_pm_events *evs, mpk_pm_event_cb cb, void *data)
{
	ssize_t n;
	int bad = 0;
	int ret;

	if (!evs)
		return -EINVAL;
	n = mnl_socket_recvfrom(evs->nl.sock, evs->nl.buf, MPK_NL_BUFSIZE);
	if (n < 0)
		return -errno;
	ret = deliver(evs, (int)n, cb, data, &bad);
	if (ret == 0 && bad)
		return -EBADMSG;
	return ret;
}
