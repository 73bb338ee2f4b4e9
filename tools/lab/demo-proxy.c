// SPDX-License-Identifier: GPL-2.0-or-later
/* demo --proxy: what the router proxy's -j log says about its upstream
 * leg (perf in the client namespace only sees its plain TCP connection). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "demo.h"

#define LEG_WAIT_TICKS 40	/* of 50 ms */

/* Calls fn for each "conn" line of the log from the 'after'-th on; the
 * number of conn lines. */
static int each_conn(const char *log, int after,
		     void (*fn)(struct json_object *o, void *arg), void *arg)
{
	FILE *f = fopen(log, "r");
	char line[2048];
	int n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		struct json_object *o, *ev;

		if (!strstr(line, "\"conn\""))
			continue;
		o = json_tokener_parse(line);
		if (o && json_object_object_get_ex(o, "event", &ev) &&
		    !strcmp(json_object_get_string(ev), "conn") && n++ >= after && fn)
			fn(o, arg);
		json_object_put(o);
	}
	if (f)
		fclose(f);
	return n;
}

int demo_proxy_conns(const char *log)
{
	return each_conn(log, 0, NULL, NULL);
}

struct leg {
	int64_t bytes;		/* the biggest connection's, -1: none yet */
	bool mptcp;
	int subflows;
};

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void biggest(struct json_object *o, void *arg)
{
	struct leg *leg = arg;
	int64_t bytes = get_int(o, "bytes_up") + get_int(o, "bytes_down");
	struct json_object *v;

	if (bytes <= leg->bytes)
		return;
	leg->bytes = bytes;
	leg->mptcp = json_object_object_get_ex(o, "upstream_mptcp", &v) &&
		     json_object_get_boolean(v);
	leg->subflows = (int)get_int(o, "upstream_subflows");
}

int demo_proxy_leg(const char *log, int after, bool *mptcp, int *subflows)
{
	struct leg leg = { .bytes = -1 };

	for (int i = 0; i < LEG_WAIT_TICKS && leg.bytes < 0; i++) {
		if (i)
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		each_conn(log, after, biggest, &leg);
	}
	if (leg.bytes < 0)
		return -ENOENT;
	*mptcp = leg.mptcp;
	*subflows = leg.subflows;
	return 0;
}
