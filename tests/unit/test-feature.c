// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel feature table and the decisions drawn from it: versions,
 * which counters a kernel's mptcp_info holds, the sentences. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mptcpkit.h"
#include "internal.h"
#include "feature.h"
#include "feature-text.h"

static void every_row_is_whole(void **state)
{
	for (int i = 0; i < MPK_FEATURE_COUNT; i++) {
		enum mpk_feature f = (enum mpk_feature)i, back;
		unsigned int major, minor;

		assert_non_null(mpk_feature_name(f));
		assert_int_equal(mpk_feature_from_name(mpk_feature_name(f), &back), 0);
		assert_int_equal(back, f);
		assert_int_equal(sscanf(mpk_feature_since(f), "%u.%u", &major, &minor), 2);
		assert_true(major >= 5);
		assert_non_null(mpk_feature_row(f)->what);
		if (mpk_feature_row(f)->probe == MPK_PROBE_SYSCTL)
			assert_non_null(mpk_feature_sysctl(f));
	}
}

/* The table is in the order the kernel brought them: a reader scans it. */
static void rows_in_version_order(void **state)
{
	for (int i = 1; i < MPK_FEATURE_COUNT; i++)
		assert_true(mpk_version_cmp(mpk_feature_since((enum mpk_feature)(i - 1)),
					    mpk_feature_since((enum mpk_feature)i)) <= 0);
}

static void out_of_range(void **state)
{
	enum mpk_feature f;

	assert_null(mpk_feature_name((enum mpk_feature)MPK_FEATURE_COUNT));
	assert_string_equal(mpk_feature_since((enum mpk_feature)-1), "?");
	assert_non_null(mpk_feature_describe((enum mpk_feature)99));
	assert_null(mpk_feature_fallback((enum mpk_feature)99));
	assert_int_equal(mpk_feature_probe((enum mpk_feature)99), -EINVAL);
	assert_int_equal(mpk_feature_from_name("nope", &f), -EINVAL);
	assert_int_equal(mpk_feature_from_name(NULL, &f), -EINVAL);
}

static void versions_compare(void **state)
{
	assert_true(mpk_version_cmp("6.1.0-13-amd64", "6.5") < 0);
	assert_true(mpk_version_cmp("6.12.48+deb13-amd64", "6.5") > 0);
	assert_true(mpk_version_cmp("5.15.0-91-generic", "5.15") == 0);
	assert_true(mpk_version_cmp("5.14.0-427.el9.x86_64", "5.16") < 0);
	assert_true(mpk_version_cmp("7.0.1", "6.18") > 0);
	assert_true(mpk_version_cmp("6.18", "6.6") > 0); /* 18 > 6, not "1" < "6" */
}

/* 6.1's mptcp_info is 48 bytes, padding where 6.5 put retransmits; 6.5 80;
 * 6.8 84; 6.10 96. */
static void counters_known_by_length(void **state)
{
	assert_int_equal(mpk_conn_known(48), 0);
	assert_int_equal(mpk_conn_known(79), 0);
	assert_int_equal(mpk_conn_known(80), MPK_CONN_KNOWN_BYTES);
	assert_int_equal(mpk_conn_known(84), MPK_CONN_KNOWN_BYTES | MPK_CONN_KNOWN_SUBFLOWS_TOTAL);
	assert_int_equal(mpk_conn_known(96), MPK_CONN_KNOWN_BYTES |
			 MPK_CONN_KNOWN_SUBFLOWS_TOTAL | MPK_CONN_KNOWN_LAST);
}

static void sentences(void **state)
{
	char buf[200];

	assert_string_equal(feature_needs_text(MPK_FEATURE_MPTCP_INFO, "5.15.0-91-generic",
					       false, buf, sizeof(buf)),
			    "MPTCP_INFO needs Linux 5.16; this kernel is 5.15");
	assert_string_equal(feature_needs_text(MPK_FEATURE_PATH_MANAGER, "6.1.0-13-amd64",
					       true, buf, sizeof(buf)),
			    "net.mptcp.path_manager needs Linux 6.15; this kernel is 6.1; "
			    "using net.mptcp.pm_type, 5.19+ instead");
	/* nothing stands in for laminar: no "using" */
	assert_null(strstr(feature_needs_text(MPK_FEATURE_LAMINAR, "6.12.4", true,
					      buf, sizeof(buf)), "using"));
	assert_string_equal(kernel_short("6.12.48+deb13-amd64", buf, sizeof(buf)), "6.12");
	assert_string_equal(kernel_short("weird", buf, sizeof(buf)), "weird");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_is_whole),
		cmocka_unit_test(rows_in_version_order),
		cmocka_unit_test(out_of_range),
		cmocka_unit_test(versions_compare),
		cmocka_unit_test(counters_known_by_length),
		cmocka_unit_test(sentences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
