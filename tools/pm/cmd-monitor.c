// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit monitor: one line (or JSON object) per path-manager event,
 * until SIGINT or SIGTERM. */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pm-args.h"
#include "feature-text.h"
#include "print.h"
#include "util.h"

static const char usage[] =
	"Usage: " PROG_NAME " [-j] monitor\n"
	"Print the MPTCP path-manager events of this network namespace, one per\n"
	"line, as they come (created, established, closed, announced, removed,\n"
	"sub_established, sub_closed, sub_priority, listener_created,\n"
	"listener_closed), until interrupted. Needs CAP_NET_ADMIN.\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static void print_addr(const char *key, const struct mpk_pm_event *ev,
		       const union mpk_in46 *addr)
{
	char buf[INET6_ADDRSTRLEN];
	char fmt[32];

	snprintf(fmt, sizeof(fmt), "%s %%s ", key);
	print_string(key, fmt, in46_format(ev->family, addr, buf, sizeof(buf)));
}

static void print_dev(int ifindex)
{
	char name[IF_NAMESIZE];

	if (if_indextoname((unsigned int)ifindex, name))
		print_string("dev", "dev %s ", name);
	else
		print_int("dev", "dev %" PRId64 " ", ifindex);
}

static void print_ids_ports(const struct mpk_pm_event *ev)
{
	if (ev->present & MPK_PM_EV_LOC_ID)
		print_uint("loc_id", "loc_id %" PRIu64 " ", ev->loc_id);
	if (ev->present & MPK_PM_EV_REM_ID)
		print_uint("rem_id", "rem_id %" PRIu64 " ", ev->rem_id);
	if (ev->present & MPK_PM_EV_SADDR)
		print_addr("saddr", ev, &ev->saddr);
	if (ev->present & MPK_PM_EV_SPORT)
		print_uint("sport", "sport %" PRIu64 " ", ev->sport);
	if (ev->present & MPK_PM_EV_DADDR)
		print_addr("daddr", ev, &ev->daddr);
	if (ev->present & MPK_PM_EV_DPORT)
		print_uint("dport", "dport %" PRIu64 " ", ev->dport);
}

static void print_rest(const struct mpk_pm_event *ev)
{
	if (ev->present & MPK_PM_EV_BACKUP)
		print_bool("backup", "backup %s ", ev->backup);
	if (ev->present & MPK_PM_EV_IF_IDX)
		print_dev(ev->ifindex);
	if (ev->present & MPK_PM_EV_ERROR)
		print_uint("error", "error %" PRIu64 " ", ev->error);
	if (ev->present & MPK_PM_EV_FLAGS)
		print_uint("flags", "flags %" PRIu64 " ", ev->flags);
	if (ev->present & MPK_PM_EV_TIMEOUT)
		print_uint("timeout", "timeout %" PRIu64 " ", ev->timeout);
	if (ev->present & MPK_PM_EV_RESET_REASON)
		print_uint("reset_reason", "reset_reason %" PRIu64 " ", ev->reset_reason);
	if (ev->present & MPK_PM_EV_RESET_FLAGS)
		print_uint("reset_flags", "reset_flags %" PRIu64 " ", ev->reset_flags);
	if (ev->present & (MPK_PM_EV_SERVER_SIDE | MPK_PM_EV_FLAGS))
		print_bool("server_side", "server_side %s ", ev->server_side);
}

static int print_event(const struct mpk_pm_event *ev, void *data)
{
	const char *name = mpk_pm_event_name(ev->type);
	char unknown[32];

	if (!name) {
		snprintf(unknown, sizeof(unknown), "event%d", ev->type);
		name = unknown;
	}
	print_open_object(NULL);
	print_string("type", "%s ", name);
	if (ev->present & MPK_PM_EV_TOKEN)
		print_uint("token", "token %" PRIu64 " ", ev->token);
	print_ids_ports(ev);
	print_rest(ev);
	print_text("\n");
	print_close_object();
	fflush(stdout);
	return 0;
}

static int watch(struct mpk_pm_events *evs)
{
	struct pollfd pfd = { .fd = mpk_pm_event_fd(evs), .events = POLLIN };
	sigset_t none;

	sigemptyset(&none);
	while (!stop) {
		int ret = ppoll(&pfd, 1, NULL, &none);

		if (ret < 0 && errno != EINTR)
			return fail("monitor: poll: %s", strerror(errno));
		if (ret <= 0)
			continue;
		ret = mpk_pm_event_read(evs, print_event, NULL);
		if (ret == -ENOBUFS)
			fail("monitor: events were lost (receive buffer overrun)");
		else if (ret == -EBADMSG)
			fail("monitor: a malformed event was skipped");
		else if (ret < 0 && ret != -EAGAIN && ret != -EBADMSG)
			return fail("monitor: reading events: %s", mpk_strerror(ret));
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct mpk_pm_events *evs;
	sigset_t block;
	char text[200];
	int err;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1)
		return fail("monitor: unexpected '%s'", argv[1]);
	/* blocked except inside ppoll(): a signal cannot slip in before it */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = mpk_pm_events_open(&evs);
	if (err == -ENOENT || err == -EPROTONOSUPPORT)
		return fail("monitor: %s", feature_absent(mpk_feature_probe(MPK_FEATURE_PM_NETLINK) ?
							  MPK_FEATURE_PM_EVENTS :
							  MPK_FEATURE_PM_NETLINK, text, sizeof(text)));
	if (err == -EPERM)
		return fail("monitor: needs CAP_NET_ADMIN");
	if (err < 0)
		return fail("monitor: %s", mpk_strerror(err));
	err = watch(evs);
	mpk_pm_events_close(evs);
	return err;
}
