// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared helpers of tools/ (common.c) and the small name functions of
 * the engines: the lab's addresses, the relay's stages. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* before cmocka.h, which has a fail() macro of its own */
#include "connect-relay.h"
#include "lab.h"
#include "util.h"

#include <cmocka.h>

static void numbers(void **state)
{
	long v = 7;

	assert_int_equal(parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	/* out of range, not a number, empty: -EINVAL and v untouched */
	assert_int_equal(parse_long("101", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_long("4x", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_long("", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_long(NULL, 0, 100, &v), -EINVAL);
	assert_int_equal(v, -3);
}

static void trim(void **state)
{
	char a[] = "  key = value \t\n", b[] = "", c[] = " \t ", d[] = "x";

	assert_string_equal(str_trim(a), "key = value");
	assert_string_equal(str_trim(b), "");
	assert_string_equal(str_trim(c), "");
	assert_string_equal(str_trim(d), "x");
}

static void netns(void **state)
{
	char buf[32], tiny[12];

	assert_int_equal(netns_path("mpk-a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/netns/mpk-a");
	assert_int_equal(netns_path("mpk-abc", tiny, sizeof(tiny)), -ENAMETOOLONG);
}

static void addresses(void **state)
{
	union mpk_in46 a;
	char buf[INET6_ADDRSTRLEN], small[4];

	inet_pton(AF_INET, "10.0.2.1", &a.v4);
	assert_string_equal(in46_format(AF_INET, &a, buf, sizeof(buf)), "10.0.2.1");
	inet_pton(AF_INET6, "dead:beef::1", &a.v6);
	assert_string_equal(in46_format(AF_INET6, &a, buf, sizeof(buf)), "dead:beef::1");
	/* no family, or no room: "" */
	assert_string_equal(in46_format(AF_UNSPEC, &a, buf, sizeof(buf)), "");
	assert_string_equal(in46_format(AF_INET6, &a, small, sizeof(small)), "");
}

static void lab_addressing(void **state)
{
	char buf[LAB_ADDR_LEN];

	assert_string_equal(lab_path_addr(1, LAB_CLIENT, buf), "10.0.1.1");
	assert_string_equal(lab_path_addr(2, LAB_SERVER, buf), "10.0.2.2");
	assert_string_equal(lab_path_addr(LAB_PATHS_MAX, LAB_SERVER, buf), "10.0.8.2");
	assert_string_equal(lab_path_dev(3, buf), "path3");
}

static void lab_error_words(void **state)
{
	/* not a program's failure: the errno's own words */
	assert_string_equal(lab_strerror(-ENOENT), strerror(ENOENT));
}

static void relay_stages(void **state)
{
	assert_string_equal(relay_stage_name(RELAY_SENDING), "sending");
	assert_string_equal(relay_stage_name(RELAY_RECEIVING), "receiving");
	assert_string_equal(relay_stage_name(RELAY_READING_INPUT), "reading standard input");
	assert_string_equal(relay_stage_name(RELAY_WRITING_OUTPUT), "writing standard output");
	/* every stage has words; beyond the last, "?" */
	for (int s = RELAY_OK; s <= RELAY_WRITING_OUTPUT; s++)
		assert_string_not_equal(relay_stage_name((enum relay_stage)s), "?");
	assert_string_equal(relay_stage_name((enum relay_stage)(RELAY_WRITING_OUTPUT + 1)), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(trim),
		cmocka_unit_test(netns),
		cmocka_unit_test(addresses),
		cmocka_unit_test(lab_addressing),
		cmocka_unit_test(lab_error_words),
		cmocka_unit_test(relay_stages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
