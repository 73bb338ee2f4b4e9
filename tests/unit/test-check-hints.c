// SPDX-License-Identifier: GPL-2.0-or-later
/* The hints of `mptcpkit check`, fed with each known trap. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "check-state.h"

/* A namespace where nothing is wrong: kernel PM, limits raised, one
 * subflow endpoint with a device, loose rp_filter. */
static void healthy(struct check_state *s)
{
	memset(s, 0, sizeof(*s));
	s->reason = MPK_REASON_AVAILABLE;
	s->enabled = 1;
	s->pm = CHECK_PM_KERNEL;
	strcpy(s->path_manager, "kernel");
	s->limits_known = true;
	s->limits = (struct mpk_limits){ .subflows = 2, .add_addr_accepted = 2 };
	s->endpoints_known = true;
	s->num_endpoints = 1;
	s->endpoint[0] = (struct check_endpoint){
		.ep = { .id = 1, .family = AF_INET, .flags = MPK_EP_SUBFLOW, .ifindex = 3 },
		.dev = "eth1", .addr_dev = "eth1", .rp_filter = 2,
	};
	inet_pton(AF_INET, "10.0.2.1", &s->endpoint[0].ep.addr.v4);
	s->rp_filter_all = 2;
	s->c_flag_sysctl = 1;
}

static size_t hints_of(const struct check_state *s, struct check_hint *h)
{
	return check_hints(s, h, CHECK_HINTS_MAX);
}

static const struct check_hint *find(const struct check_hint *h, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(h[i].id, id))
			return &h[i];
	return NULL;
}

static void healthy_has_only_the_bind_note(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];

	healthy(&s);
	assert_int_equal(hints_of(&s, h), 1);
	assert_string_equal(h[0].id, "bind-wildcard");
}

static void no_endpoints(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	size_t n;

	healthy(&s);
	s.num_endpoints = 0;
	n = hints_of(&s, h);
	assert_non_null(find(h, n, "no-endpoints"));
	/* not known (no netlink family): no claim either way */
	s.endpoints_known = false;
	n = hints_of(&s, h);
	assert_null(find(h, n, "no-endpoints"));
}

static void add_addr_accepted_zero(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	size_t n;

	healthy(&s);
	s.limits.add_addr_accepted = 0;
	n = hints_of(&s, h);
	assert_non_null(find(h, n, "add-addr-accepted-zero"));
	s.limits_known = false;
	n = hints_of(&s, h);
	assert_null(find(h, n, "add-addr-accepted-zero"));
}

/* bbr, the default here: a hint, with the number it costs; other
 * algorithms and an unreadable sysctl: none. */
static void congestion_control_bbr(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	const struct check_hint *hint;
	size_t n;

	healthy(&s);
	strcpy(s.cc, "bbr");
	n = hints_of(&s, h);
	hint = find(h, n, "cc-bbr");
	assert_non_null(hint);
	assert_non_null(strstr(hint->text, "cubic"));
	assert_true(strlen(hint->text) < CHECK_TEXT_MAX - 1); /* not cut short */
	strcpy(s.cc, "cubic");
	n = hints_of(&s, h);
	assert_null(find(h, n, "cc-bbr"));
	s.cc[0] = '\0';
	n = hints_of(&s, h);
	assert_null(find(h, n, "cc-bbr"));
}

static void subflow_endpoint_without_dev(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	const struct check_hint *hint;
	size_t n;

	healthy(&s);
	s.endpoint[0].dev[0] = '\0';
	s.endpoint[0].ep.ifindex = 0;
	n = hints_of(&s, h);
	hint = find(h, n, "subflow-without-dev");
	assert_non_null(hint);
	assert_non_null(strstr(hint->text, "10.0.2.1")); /* names the endpoint */
	/* a signal endpoint without a device is fine */
	s.endpoint[0].ep.flags = MPK_EP_SIGNAL;
	n = hints_of(&s, h);
	assert_null(find(h, n, "subflow-without-dev"));
}

static void strict_rp_filter(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	const struct check_hint *hint;
	size_t n;

	healthy(&s);
	s.endpoint[0].rp_filter = 1;
	n = hints_of(&s, h);
	hint = find(h, n, "strict-rp-filter");
	assert_non_null(hint);
	assert_non_null(strstr(hint->text, "eth1"));
	/* only subflow endpoints are hurt by it */
	s.endpoint[0].ep.flags = MPK_EP_SIGNAL;
	n = hints_of(&s, h);
	assert_null(find(h, n, "strict-rp-filter"));
	/* unknown per-interface value: 'all' decides */
	s.endpoint[0].ep.flags = MPK_EP_SUBFLOW;
	s.endpoint[0].rp_filter = -1;
	s.rp_filter_all = 1;
	n = hints_of(&s, h);
	assert_non_null(find(h, n, "strict-rp-filter"));
}

static void userspace_pm_without_daemon(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	size_t n;

	healthy(&s);
	s.pm = CHECK_PM_USERSPACE;
	strcpy(s.path_manager, "userspace");
	s.num_endpoints = 0; /* endpoints do not matter to the userspace PM */
	n = hints_of(&s, h);
	assert_non_null(find(h, n, "userspace-pm-no-daemon"));
	assert_null(find(h, n, "no-endpoints"));
	s.pm_listener = true;
	n = hints_of(&s, h);
	assert_null(find(h, n, "userspace-pm-no-daemon"));
}

static void disabled_says_only_that(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];

	healthy(&s);
	s.enabled = 0;
	s.reason = MPK_REASON_DISABLED;
	s.num_endpoints = 0;
	assert_int_equal(hints_of(&s, h), 1);
	assert_string_equal(h[0].id, "mptcp-disabled");
	assert_non_null(strstr(h[0].text, "net.mptcp.enabled=1"));
}

static void max_is_respected(void **state)
{
	struct check_state s;
	struct check_hint h[2];

	healthy(&s);
	s.num_endpoints = 0;
	s.limits.add_addr_accepted = 0;
	assert_int_equal(check_hints(&s, h, 2), 2);
}

/* check prints flags with the library's formatter, words separated by spaces. */
static void flags_text(void **state)
{
	char buf[64];

	mpk_endpoint_flags_format(0, " ", buf, sizeof(buf));
	assert_string_equal(buf, "");
	mpk_endpoint_flags_format(MPK_EP_SIGNAL | MPK_EP_BACKUP, " ", buf, sizeof(buf));
	assert_string_equal(buf, "signal backup");
	mpk_endpoint_flags_format(MPK_EP_SUBFLOW | MPK_EP_FULLMESH | MPK_EP_LAMINAR, " ",
				  buf, sizeof(buf));
	assert_string_equal(buf, "subflow fullmesh laminar");
	/* too small: still a string, and the length it needed is returned */
	assert_int_equal(mpk_endpoint_flags_format(MPK_EP_SIGNAL | MPK_EP_SUBFLOW, " ", buf, 10), 14);
	assert_string_equal(buf, "signal su");
}

static void endpoint_address(void **state)
{
	struct check_state s;
	char buf[INET6_ADDRSTRLEN];

	healthy(&s);
	assert_string_equal(check_endpoint_addr(&s.endpoint[0], buf, sizeof(buf)), "10.0.2.1");
	s.endpoint[0].ep.family = AF_UNSPEC;
	assert_string_equal(check_endpoint_addr(&s.endpoint[0], buf, sizeof(buf)), "");
}

/* A backend behind a load balancer: joins that go astray, in words. */
static void balancer_joins(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	const struct check_hint *hint;
	size_t n;

	healthy(&s);
	s.counters_known = true;
	s.join_syn_rx = 20;
	s.join_no_token = 7;
	n = hints_of(&s, h);
	hint = find(h, n, "joins-astray");
	assert_true(hint && strstr(hint->text, "7 MP_JOINs") != NULL);
	assert_null(find(h, n, "joins-to-initial-address"));
	/* the C flag set: the joins ignore it, or the announced address is balanced */
	s.c_flag_sysctl = 0;
	s.endpoint[0].ep.flags = MPK_EP_SIGNAL;
	n = hints_of(&s, h);
	assert_null(find(h, n, "joins-astray"));
	assert_non_null(find(h, n, "joins-to-initial-address"));
	assert_null(find(h, n, "c-flag-no-announce"));
	/* none refused: nothing said */
	s.join_no_token = 0;
	n = hints_of(&s, h);
	assert_int_equal(n, 1);
}

static void balancer_announce(void **state)
{
	struct check_state s;
	struct check_hint h[CHECK_HINTS_MAX];
	size_t n;

	healthy(&s);
	s.c_flag_sysctl = 0;
	n = hints_of(&s, h);
	assert_non_null(find(h, n, "c-flag-no-announce"));
	s.endpoint[0].ep.flags = MPK_EP_SIGNAL;
	s.endpoint[0].addr_dev[0] = '\0';
	s.counters_known = true;
	s.add_addr_tx = 50;
	n = hints_of(&s, h);
	assert_null(find(h, n, "c-flag-no-announce"));
	assert_non_null(find(h, n, "announced-not-here"));
	assert_non_null(find(h, n, "announced-unreachable"));
	s.join_syn_rx = 40;
	n = hints_of(&s, h);
	assert_null(find(h, n, "announced-unreachable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthy_has_only_the_bind_note),
		cmocka_unit_test(no_endpoints),
		cmocka_unit_test(add_addr_accepted_zero),
		cmocka_unit_test(congestion_control_bbr),
		cmocka_unit_test(subflow_endpoint_without_dev),
		cmocka_unit_test(strict_rp_filter),
		cmocka_unit_test(userspace_pm_without_daemon),
		cmocka_unit_test(disabled_says_only_that),
		cmocka_unit_test(max_is_respected),
		cmocka_unit_test(flags_text),
		cmocka_unit_test(endpoint_address),
		cmocka_unit_test(balancer_joins),
		cmocka_unit_test(balancer_announce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
