// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Path profiles and the --path parser: pure functions (the parser has a
 * fuzzer, tests/fuzz/fuzz-lab-shape.c). The profiles' figures and their
 * sources are in mptcpkit-paths(7); RTT = 2 x the one-way delay.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-paths.h"

/* rate down, up (kbit/s); one-way delay, jitter (us); loss (ppm). */
#define SHAPE(rd, ru, d, j, l) { { rd, ru }, { d, d }, { j, j }, { l, l } }

static const struct lab_profile profiles[] = {
	{ "equal", "two equal paths: 50 Mbit/s each way, no delay (the lab's default)", 2,
	  { SHAPE(50000, 50000, 0, 0, 0), SHAPE(50000, 50000, 0, 0, 0) } },
	{ "wifi-lte", "wifi 30/30 Mbit/s, RTT 10 ms +-2, 0.5 % loss; "
	  "lte 10/5 Mbit/s, RTT 60 ms +-10", 2,
	  { SHAPE(30000, 30000, 5000, 1000, 5000), SHAPE(10000, 5000, 30000, 5000, 0) } },
	{ "dsl-4g", "dsl 20/5 Mbit/s, RTT 25 ms; 4g 50/10 Mbit/s, RTT 45 ms +-8", 2,
	  { SHAPE(20000, 5000, 12500, 0, 0), SHAPE(50000, 10000, 22500, 4000, 0) } },
	{ "fibre-sat", "fibre 50/20 Mbit/s, RTT 10 ms; geostationary satellite "
	  "50/5 Mbit/s, RTT 600 ms +-20", 2,
	  { SHAPE(50000, 20000, 5000, 0, 0), SHAPE(50000, 5000, 300000, 10000, 0) } },
	{ "slow-second", "fast 50/50 Mbit/s, RTT 20 ms; slow 2/2 Mbit/s, RTT 20 ms "
	  "(mptcp_net-next issue 381)", 2,
	  { SHAPE(50000, 50000, 10000, 0, 0), SHAPE(2000, 2000, 10000, 0, 0) } },
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct lab_profile *lab_profile_at(int i)
{
	return i >= 0 && (size_t)i < NPROFILES ? &profiles[i] : NULL;
}

const struct lab_profile *lab_profile_find(const char *name)
{
	for (size_t i = 0; i < NPROFILES; i++) {
		if (!strcmp(name, profiles[i].name))
			return &profiles[i];
	}
	return NULL;
}

void lab_shape_uniform(struct lab *lab)
{
	for (int k = 0; k < LAB_PATHS_MAX; k++) {
		struct lab_shape *s = &lab->shape[k];

		memset(s, 0, sizeof(*s));
		for (int d = 0; d < 2; d++) {
			s->rate_kbit[d] = lab->rate_mbit * 1000;
			s->delay_us[d] = lab->delay_ms * 1000;
		}
	}
}

enum shape_key { KEY_RATE, KEY_DELAY, KEY_JITTER, KEY_LOSS, KEY_NONE };

static const struct {
	const char *name;
	double scale;		/* the unit's value in the stored unit */
	long min, max;
} keys[] = {
	[KEY_RATE] = { "rate", 1000, LAB_RATE_MIN_KBIT, LAB_RATE_MAX_KBIT },
	[KEY_DELAY] = { "delay", 1000, 0, LAB_DELAY_MAX_US },
	[KEY_JITTER] = { "jitter", 1000, 0, LAB_JITTER_MAX_US },
	[KEY_LOSS] = { "loss", 10000, 0, LAB_LOSS_MAX_PPM },
};

static enum shape_key key_of(const char *s, size_t len)
{
	for (int i = 0; i < KEY_NONE; i++) {
		if (strlen(keys[i].name) == len && !strncmp(s, keys[i].name, len))
			return i;
	}
	return KEY_NONE;
}

/* One number of [s, end) in key's unit, scaled; 0, -EINVAL, -ERANGE. */
static int parse_value(enum shape_key key, const char *s, const char *end, long *out)
{
	char buf[32], *e;
	size_t len = (size_t)(end - s);
	double v;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strspn(buf, "0123456789.") != len)	/* no sign, exponent, inf, nan, space */
		return -EINVAL;
	errno = 0;
	v = strtod(buf, &e);
	if (*e || errno)
		return -EINVAL;
	v = v * keys[key].scale;
	if (!(v >= keys[key].min && v <= keys[key].max))
		return -ERANGE;
	*out = lround(v);
	return 0;
}

static long *field(struct lab_shape *s, enum shape_key key)
{
	switch (key) {
	case KEY_RATE:
		return s->rate_kbit;
	case KEY_DELAY:
		return s->delay_us;
	case KEY_JITTER:
		return s->jitter_us;
	default:
		return s->loss_ppm;
	}
}

/* "key=V" or "key=DOWN/UP" of [s, end) into s. */
static int parse_item(const char *s, const char *end, struct lab_shape *shape)
{
	const char *eq = memchr(s, '=', (size_t)(end - s)), *slash;
	enum shape_key key;
	long v[2];
	int ret;

	if (!eq)
		return -EINVAL;
	key = key_of(s, (size_t)(eq - s));
	if (key == KEY_NONE)
		return -EINVAL;
	slash = memchr(eq + 1, '/', (size_t)(end - eq - 1));
	ret = parse_value(key, eq + 1, slash ? slash : end, &v[0]);
	if (ret == 0)
		ret = slash ? parse_value(key, slash + 1, end, &v[1]) : (v[1] = v[0], 0);
	if (ret < 0)
		return ret;
	field(shape, key)[LAB_DOWN] = v[0];
	field(shape, key)[LAB_UP] = v[1];
	return 0;
}

int lab_shape_parse(const char *spec, int paths, struct lab_shape shapes[LAB_PATHS_MAX])
{
	const char *colon = strchr(spec, ':'), *p;
	struct lab_shape s;
	char num[4];
	long k;
	int ret;

	if (!colon || colon == spec || colon - spec >= (long)sizeof(num) || !colon[1])
		return -EINVAL;
	memcpy(num, spec, (size_t)(colon - spec));
	num[colon - spec] = '\0';
	if (strspn(num, "0123456789") != strlen(num))
		return -EINVAL;
	k = strtol(num, NULL, 10);
	if (k < 1 || k > paths || k > LAB_PATHS_MAX)
		return -ERANGE;
	s = shapes[k - 1];
	for (p = colon + 1; *p;) {
		const char *end = strchr(p, ',');

		if (!end)
			end = p + strlen(p);
		ret = parse_item(p, end, &s);
		if (ret < 0)
			return ret;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			return -EINVAL;	/* a trailing comma */
	}
	for (int d = 0; d < 2; d++) {
		if (s.jitter_us[d] > s.delay_us[d])	/* no negative delays */
			return -ERANGE;
	}
	shapes[k - 1] = s;
	return 0;
}
