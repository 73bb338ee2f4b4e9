// SPDX-License-Identifier: GPL-2.0-or-later
/* pmd's configuration parser (tools/pmd/pmd-config.c): good files, and bad
 * ones refused with the right line number. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pmd.h"

static char err[256];

static int parse(struct pmd_config *cfg, const char *text)
{
	pmd_config_init(cfg);
	err[0] = '\0';
	return pmd_config_parse_string(cfg, text, err, sizeof(err));
}

static void test_defaults(void **state)
{
	struct pmd_config cfg;

	assert_int_equal(parse(&cfg, ""), 0);
	assert_int_equal(cfg.mode, PMD_MODE_CLIENT);
	assert_int_equal(cfg.pm, PMD_PM_KERNEL);
	assert_int_equal(cfg.down, PMD_DOWN_REMOVE);
	assert_int_equal(cfg.subflows, -1);
	assert_int_equal(cfg.add_addr_accepted, -1);
	assert_int_equal(cfg.notsent_lowat, -1);
	assert_int_equal(cfg.wmem_max, PMD_BUF_AUTO);
	assert_int_equal(cfg.rmem_max, -1);
	assert_int_equal(cfg.only.count, 0);
	assert_int_equal(cfg.nifs, 0);
	assert_string_equal(cfg.scheduler, "");	/* the kernel's left alone */
}

static void test_full_file(void **state)
{
	struct pmd_config cfg;
	const struct pmd_ifconf *ic;

	assert_int_equal(parse(&cfg,
		"# a comment\n"
		"; another\n"
		"\n"
		"  mode = server   # trailing comment\n"
		"pm=userspace\n"
		"on_link_down = backup\n"
		"only = eth0, eth1 ,wlan0\n"
		"exclude = docker0\n"
		"backup = wlan0\n"
		"subflows = 4\n"
		"add_addr_accepted = auto\n"
		"verbose = yes\n"
		"notsent_lowat = 131072\n"
		"wmem_max = 262144\n"
		"[interface eth1]\n"
		"flags = subflow,fullmesh\n"
		"probe = 10.0.1.2:443, [2001:db8::1]:80, 2001:db8::2, 10.0.0.9\n"
		"backup = no\n"
		"[ interface  wwan0 ]\n"
		"use = yes\n"), 0);
	assert_int_equal(cfg.mode, PMD_MODE_SERVER);
	assert_int_equal(cfg.pm, PMD_PM_USERSPACE);
	assert_int_equal(cfg.down, PMD_DOWN_BACKUP);
	assert_int_equal(cfg.only.count, 3);
	assert_string_equal(cfg.only.name[1], "eth1");
	assert_true(pmd_iflist_has(&cfg.only, "wlan0"));
	assert_true(pmd_iflist_has(&cfg.exclude, "docker0"));
	assert_true(pmd_iflist_has(&cfg.backup, "wlan0"));
	assert_int_equal(cfg.subflows, 4);
	assert_int_equal(cfg.add_addr_accepted, -1);
	assert_true(cfg.verbose);
	assert_int_equal(cfg.notsent_lowat, 131072);
	assert_int_equal(cfg.wmem_max, 262144);
	assert_int_equal(cfg.nifs, 2);
	ic = pmd_config_if(&cfg, "eth1");
	assert_non_null(ic);
	assert_int_equal(ic->flags, MPK_EP_SUBFLOW | MPK_EP_FULLMESH);
	assert_int_equal(ic->ntargets, 4);
	assert_int_equal(ic->target_port[0], 443);
	assert_int_equal(ic->target_family[1], AF_INET6);
	assert_int_equal(ic->target_port[1], 80);
	assert_int_equal(ic->target_family[2], AF_INET6);
	assert_int_equal(ic->target_port[2], 0);	/* a bare IPv6 address: echo */
	assert_int_equal(ic->target_family[3], AF_INET);
	assert_int_equal(ic->target_port[3], 0);
	assert_int_equal(ic->backup, 0);
	assert_int_equal(ic->use, -1);
	ic = pmd_config_if(&cfg, "wwan0");
	assert_non_null(ic);
	assert_int_equal(ic->use, 1);
	assert_int_equal(ic->flags, -1);
	assert_null(pmd_config_if(&cfg, "eth0"));
}

static void test_crlf_and_no_final_newline(void **state)
{
	struct pmd_config cfg;

	assert_int_equal(parse(&cfg, "mode = server\r\nsubflows = 2"), 0);
	assert_int_equal(cfg.mode, PMD_MODE_SERVER);
	assert_int_equal(cfg.subflows, 2);
}

/* Each bad input with the line and words its error must contain. */
static const struct {
	const char *text;
	const char *expect;
} bad[] = {
	{ "mode = sideways\n", "line 1: mode must be client or server" },
	{ "\n\nfoo = bar\n", "line 3: unknown key 'foo'" },
	{ "mode\n", "line 1: expected 'key = value'" },
	{ "= client\n", "line 1: a key is missing" },
	{ "mode =\n", "line 1: mode: the value is missing" },
	{ "mode = # nothing\n", "line 1: mode: the value is missing" },
	{ "pm = bpf\n", "pm must be kernel or userspace" },
	{ "on_link_down = explode\n", "on_link_down must be remove or backup" },
	{ "subflows = 9\n", "subflows must be 0..8" },
	{ "subflows = -1\n", "subflows must be 0..8" },
	{ "subflows = 2x\n", "subflows must be 0..8" },
	{ "subflows = \n", "the value is missing" },
	{ "add_addr_accepted = 99999999999999999999\n", "add_addr_accepted must be 0..8" },
	{ "verbose = maybe\n", "verbose must be yes or no" },
	{ "notsent_lowat = 12\n", "notsent_lowat must be 1024..1073741824" },
	{ "notsent_lowat = 1k\n", "notsent_lowat must be" },
	{ "wmem_max = 65535\n", "wmem_max must be auto, off or 65536..1073741824 bytes" },
	{ "wmem_max = automatic\n", "wmem_max must be auto, off or" },
	{ "rmem_max = 1\n", "rmem_max must be auto, off or 65536..1073741824 bytes" },
	{ "scheduler = bpf rr\n", "scheduler must be a scheduler's name" },
	{ "scheduler = a/b\n", "scheduler must be a scheduler's name" },
	{ "scheduler = abcdefghijklmnop\n", "(at most 15 letters, digits, '_' or '-')" },
	{ "only = eth0,,\n", NULL },	/* empty items are skipped: fine */
	{ "only = a very long interface name\n", "only: bad interface list" },
	{ "exclude = abcdefghijklmnopq\n", "exclude: bad interface list" },
	{ "backup = eth0/1\n", "backup: bad interface list" },
	{ "[interface]\n", "line 1: a section is '[interface NAME]'" },
	{ "[interface eth0\n", "a section is '[interface NAME]'" },
	{ "[interface eth0] x\n", "a section is '[interface NAME]'" },
	{ "[link eth0]\n", "unknown section '[link eth0]'" },
	{ "[interfaceeth0]\n", "unknown section" },
	{ "[interface eth0]\n[interface eth0]\n", "line 2: interface eth0 appears twice" },
	{ "[interface eth0]\nflags = backup\n", "line 2: flags: need signal and/or subflow" },
	{ "[interface eth0]\nflags = subflow,turbo\n", "flags: need signal" },
	{ "[interface eth0]\nflags = ,\n", "flags: need signal" },
	{ "[interface eth0]\nbackup = sometimes\n", "backup must be yes or no" },
	{ "[interface eth0]\nprobe = 10.0.1.2:0\n", "probe: '10.0.1.2:0' is not ADDR, ADDR:PORT" },
	{ "[interface eth0]\nprobe = 10.0.1.2:65536\n", "is not ADDR, ADDR:PORT" },
	{ "[interface eth0]\nprobe = [2001:db8::1]\n", "probe: '[2001:db8::1]' is not" },
	{ "[interface eth0]\nprobe = [10.0.1.2]:80x\n", "is not ADDR, ADDR:PORT" },
	{ "[interface eth0]\nmode = client\n", "unknown key 'mode' in [interface eth0]" },
	{ "mode = client\0mode = server\n", NULL },	/* C string: ends at the NUL */
};

static void test_bad_inputs(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pmd_config cfg;
		int ret = parse(&cfg, bad[i].text);

		if (!bad[i].expect) {
			assert_int_equal(ret, 0);
			continue;
		}
		if (ret != -EINVAL || !strstr(err, bad[i].expect))
			fail_msg("input %zu '%s': got %d '%s', want '%s'", i,
				 bad[i].text, ret, err, bad[i].expect);
	}
}

static void test_nul_byte_and_long_line(void **state)
{
	static const char nul[] = "mode = client\nmo\0de = server\n";
	char longline[1100];
	struct pmd_config cfg;
	FILE *f;

	pmd_config_init(&cfg);
	f = fmemopen((void *)nul, sizeof(nul) - 1, "r");
	assert_non_null(f);
	assert_int_equal(pmd_config_parse(&cfg, f, err, sizeof(err)), -EINVAL);
	fclose(f);
	assert_non_null(strstr(err, "line 2: contains a NUL byte"));

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	assert_int_equal(parse(&cfg, longline), -EINVAL);
	assert_non_null(strstr(err, "line 1: longer than"));
}

static void test_too_many(void **state)
{
	char text[8192] = "";
	struct pmd_config cfg;
	size_t n = 0;

	for (int i = 0; i <= PMD_IF_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, "[interface if%d]\n", i);
	assert_int_equal(parse(&cfg, text), -EINVAL);
	assert_non_null(strstr(err, "more than"));

	n = snprintf(text, sizeof(text), "only = ");
	for (int i = 0; i <= PMD_IF_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, "if%d,", i);
	assert_int_equal(parse(&cfg, text), -EINVAL);
}

static void test_flags_roundtrip(void **state)
{
	char buf[64];
	int flags;

	assert_int_equal(pmd_flags_parse("signal, backup", &flags), 0);
	assert_int_equal(flags, MPK_EP_SIGNAL | MPK_EP_BACKUP);
	assert_string_equal(pmd_flags_format(flags, buf, sizeof(buf)), "signal,backup");
	assert_string_equal(pmd_flags_format(0, buf, sizeof(buf)), "none");
	assert_int_equal(pmd_flags_parse("fullmesh", &flags), -EINVAL);
}

static void test_load_missing(void **state)
{
	struct pmd_config cfg;

	pmd_config_init(&cfg);
	assert_int_equal(pmd_config_load(&cfg, "/nonexistent/pmd.conf", false,
					 err, sizeof(err)), 0);
	assert_int_equal(pmd_config_load(&cfg, "/nonexistent/pmd.conf", true,
					 err, sizeof(err)), -ENOENT);
}

/* Backend mode's keys: balanced = VIP:PORT, join = ADDR[:PORT]. */
static void test_balanced(void **state)
{
	struct pmd_config cfg;

	assert_int_equal(parse(&cfg, "mode = server\nbalanced = 10.9.0.1:80\n"
			       "join = [fd00::2]:7000\n"), 0);
	assert_true(cfg.balanced.on);
	assert_int_equal(cfg.balanced.vip_family, AF_INET);
	assert_int_equal(cfg.balanced.vip_port, 80);
	assert_int_equal(cfg.balanced.join_family, AF_INET6);
	assert_int_equal(cfg.balanced.join_port, 7000);
	assert_int_equal(parse(&cfg, "join = 10.2.1.2\n"), 0);
	assert_int_equal(cfg.balanced.join_port, 0);
	assert_false(cfg.balanced.on);
	pmd_config_init(&cfg);
	assert_int_equal(pmd_config_parse_string(&cfg, "balanced = 10.9.0.1\n", err,
						 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "VIP:PORT"));
	pmd_config_init(&cfg);
	assert_int_equal(pmd_config_parse_string(&cfg, "join = nowhere:1\n", err,
						 sizeof(err)), -EINVAL);
	pmd_config_init(&cfg);
	assert_int_equal(pmd_config_set(&cfg, NULL, "balanced", "[fd00::1]:443", err,
					sizeof(err)), 0);
	assert_int_equal(cfg.balanced.vip_family, AF_INET6);
	assert_int_equal(pmd_config_set(&cfg, NULL, "balanced", "no", err, sizeof(err)), 0);
	assert_false(cfg.balanced.on);
}

/* scheduler = NAME: any name the kernel could register (whether this one
 * offers it is checked at start, not here); the last one given wins. */
static void test_scheduler(void **state)
{
	struct pmd_config cfg;

	assert_int_equal(parse(&cfg, "scheduler = default\n"), 0);
	assert_string_equal(cfg.scheduler, "default");
	assert_int_equal(parse(&cfg, "scheduler = bpf_rr\nscheduler = bpf-burst\n"), 0);
	assert_string_equal(cfg.scheduler, "bpf-burst");
	assert_int_equal(parse(&cfg, "scheduler = abcdefghijklmno\n"), 0);	/* 15: the most */
	assert_string_equal(cfg.scheduler, "abcdefghijklmno");
	/* a bad value leaves the one set before */
	assert_int_equal(pmd_config_set(&cfg, NULL, "scheduler", "x y", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(cfg.scheduler, "abcdefghijklmno");
}

/* A link is usable once it is up with its carrier: IFF_RUNNING comes from
 * linkwatch up to a second later; a dormant link (802.1X/WPA not done)
 * waits for its operstate. */
static bool link_verdict(unsigned int flags, uint8_t link_mode)
{
	struct pmd_link l = { .ifindex = 2, .name = "wlan0", .flags = flags,
			      .link_mode = link_mode };

	return pmd_link_usable(&l);
}

static void test_link_carrier(void **state)
{
	const unsigned int lower_up = 1u << 16, dormant = 1u << 17;

	(void)state;
	assert_int_equal(link_verdict(IFF_UP | IFF_RUNNING | lower_up, 0), true);
	assert_int_equal(link_verdict(IFF_UP | lower_up, 0), true);
	assert_int_equal(link_verdict(IFF_UP, 0), false);
	assert_int_equal(link_verdict(lower_up, 0), false);
	assert_int_equal(link_verdict(IFF_UP | lower_up | dormant, 0), false);
	assert_int_equal(link_verdict(IFF_UP | lower_up, 1), false);
	assert_int_equal(link_verdict(IFF_UP | IFF_RUNNING | lower_up, 1), true);
}

/* A link brought up is "returning" until its carrier comes, at most
 * PMD_LINK_RETURN_MS; a link that lost its carrier while up, or that was
 * up before pmd looked (a dump, time 0), never is. */
static void test_link_returning(void **state)
{
	const unsigned int lower_up = 1u << 16;
	struct pmd_net net = { 0 };
	struct pmd_link l = { .ifindex = 3, .name = "c1", .flags = 0 };
	const struct pmd_link *got;

	(void)state;
	assert_true(pmd_net_link_update(&net, false, &l, 0));
	l.flags = IFF_UP;
	assert_true(pmd_net_link_update(&net, false, &l, 1000));
	got = pmd_net_link(&net, 3);
	assert_int_equal(got->up_ms, 1000);
	assert_true(pmd_link_returning(got, 1000 + PMD_LINK_RETURN_MS - 1));
	assert_false(pmd_link_returning(got, 1000 + PMD_LINK_RETURN_MS));
	/* the carrier: usable, not returning; when it goes, still not */
	l.flags = IFF_UP | lower_up;
	assert_true(pmd_net_link_update(&net, false, &l, 1200));
	assert_int_equal(got->up_ms, 1000);
	assert_false(pmd_link_returning(got, 1200));
	l.flags = IFF_UP;
	assert_true(pmd_net_link_update(&net, false, &l, 5000));
	assert_false(pmd_link_returning(got, 5000));
	/* down and up again: a new window */
	l.flags = 0;
	assert_true(pmd_net_link_update(&net, false, &l, 6000));
	assert_false(pmd_link_returning(got, 6000));
	l.flags = IFF_UP;
	assert_true(pmd_net_link_update(&net, false, &l, 7000));
	assert_true(pmd_link_returning(got, 7001));
	/* found up, without carrier, in a dump: not known to be returning */
	memset(&net, 0, sizeof(net));
	assert_true(pmd_net_link_update(&net, false, &l, 0));
	assert_false(pmd_link_returning(pmd_net_link(&net, 3), 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_nul_byte_and_long_line),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_flags_roundtrip),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_balanced),
		cmocka_unit_test(test_scheduler),
		cmocka_unit_test(test_link_carrier),
		cmocka_unit_test(test_link_returning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
