// SPDX-License-Identifier: GPL-2.0-or-later
/* Sentences about kernel features (feature-text.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "feature-text.h"
#include "util.h"

const char *kernel_short(const char *release, char *buf, size_t len)
{
	unsigned int major, minor;

	if (sscanf(release, "%u.%u", &major, &minor) == 2)
		snprintf(buf, len, "%u.%u", major, minor);
	else
		snprintf(buf, len, "%s", release);
	return buf;
}

const char *kernel_running(void)
{
	static char buf[32];
	struct utsname u;

	if (uname(&u) < 0)
		return "?";
	return kernel_short(u.release, buf, sizeof(buf));
}

bool kernel_older_than(const char *since)
{
	unsigned int a, b, c, d;

	if (sscanf(kernel_running(), "%u.%u", &a, &b) != 2 || sscanf(since, "%u.%u", &c, &d) != 2)
		return false;
	return a < c || (a == c && b < d);
}

const char *feature_needs_text(enum mpk_feature f, const char *release, bool fallback,
			       char *buf, size_t len)
{
	const char *instead = fallback ? mpk_feature_fallback(f) : NULL;
	char kernel[32];

	snprintf(buf, len, "%s needs Linux %s; this kernel is %s%s%s",
		 mpk_feature_describe(f), mpk_feature_since(f),
		 kernel_short(release, kernel, sizeof(kernel)),
		 instead ? "; using " : "", instead ? instead : "");
	if (instead)
		snprintf(buf + strlen(buf), len - strlen(buf), " instead");
	return buf;
}

const char *feature_needs(enum mpk_feature f, bool fallback, char *buf, size_t len)
{
	return feature_needs_text(f, kernel_running(), fallback, buf, len);
}

int feature_require(enum mpk_feature f, const char *cmd)
{
	char text[200];

	if (mpk_feature_probe(f) != 0)
		return 0;
	return fail("%s: %s", cmd, feature_needs(f, false, text, sizeof(text)));
}

const char *feature_absent(enum mpk_feature f, char *buf, size_t len)
{
	struct mpk_status st = { 0 };

	if (kernel_older_than(mpk_feature_since(f)))
		return feature_needs(f, false, buf, len);
	mpk_probe(AF_INET, &st);
	if (st.reason == MPK_REASON_NOT_COMPILED || st.reason == MPK_REASON_KERNEL_TOO_OLD)
		snprintf(buf, len, "this kernel (%s) is built without MPTCP (CONFIG_MPTCP)",
			 kernel_running());
	else
		snprintf(buf, len, "this kernel (%s) has no %s (not built, or its module "
			 "cannot be loaded)", kernel_running(), mpk_feature_describe(f));
	return buf;
}
