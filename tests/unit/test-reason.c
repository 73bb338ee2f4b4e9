// SPDX-License-Identifier: GPL-2.0-or-later
/* Reasons, their names and sentences, and error text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mptcpkit.h"

static void names_round_trip(void **state)
{
	for (int i = 0; i < MPK_REASON_COUNT; i++) {
		enum mpk_reason back;
		const char *name = mpk_reason_name((enum mpk_reason)i);

		assert_non_null(name);
		assert_int_equal(mpk_reason_from_name(name, &back), 0);
		assert_int_equal(back, i);
	}
}

static void names_are_stable(void **state)
{
	static const char *expected[] = { "available", "kernel-too-old", "not-compiled",
					  "disabled", "blocked", "fallback" };

	for (int i = 0; i < MPK_REASON_COUNT; i++)
		assert_string_equal(mpk_reason_name((enum mpk_reason)i), expected[i]);
}

static void out_of_range(void **state)
{
	enum mpk_reason r;

	assert_null(mpk_reason_name((enum mpk_reason)MPK_REASON_COUNT));
	assert_null(mpk_reason_name((enum mpk_reason)-1));
	assert_non_null(mpk_reason_describe((enum mpk_reason)99));
	assert_int_equal(mpk_reason_from_name("nope", &r), -EINVAL);
	assert_int_equal(mpk_reason_from_name(NULL, &r), -EINVAL);
	assert_int_equal(mpk_reason_from_name("available", NULL), -EINVAL);
}

static void errno_mapping(void **state)
{
	assert_int_equal(mpk_reason_from_errno(0), MPK_REASON_AVAILABLE);
	assert_int_equal(mpk_reason_from_errno(EINVAL), MPK_REASON_KERNEL_TOO_OLD);
	assert_int_equal(mpk_reason_from_errno(EPROTONOSUPPORT), MPK_REASON_NOT_COMPILED);
	assert_int_equal(mpk_reason_from_errno(ENOPROTOOPT), MPK_REASON_DISABLED);
	assert_int_equal(mpk_reason_from_errno(EPERM), MPK_REASON_BLOCKED);
	assert_int_equal(mpk_reason_from_errno(EACCES), MPK_REASON_BLOCKED);
	assert_int_equal(mpk_reason_from_errno(ENOMEM), MPK_REASON_BLOCKED);
}

static void sentences_say_something(void **state)
{
	for (int i = 0; i < MPK_REASON_COUNT; i++)
		assert_true(strlen(mpk_reason_describe((enum mpk_reason)i)) > 10);
	assert_non_null(strstr(mpk_reason_describe(MPK_REASON_DISABLED), "net.mptcp.enabled"));
}

static void error_text(void **state)
{
	assert_string_equal(mpk_strerror(-MPK_EHOSTNOTFOUND), "host not found");
	assert_string_equal(mpk_strerror(MPK_ESERVICE), "invalid service or port");
	assert_string_equal(mpk_strerror(-EINVAL), strerror(EINVAL));
	assert_non_null(mpk_version());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(names_are_stable),
		cmocka_unit_test(out_of_range),
		cmocka_unit_test(errno_mapping),
		cmocka_unit_test(sentences_say_something),
		cmocka_unit_test(error_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
