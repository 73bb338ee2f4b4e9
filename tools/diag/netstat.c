// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/net/netstat's MPTcpExt counters. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netstat.h"

#define PREFIX "MPTcpExt:"
#define FILE_MAX (1 << 20)

/* The line at *p (up to end) into [*line, *line + *n); moves *p past it.
 * False at the end. */
static bool next_line(const char **p, const char *end, const char **line, size_t *n)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*n = (size_t)((nl ? nl : end) - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

static bool has_prefix(const char *line, size_t n)
{
	return n >= strlen(PREFIX) && !memcmp(line, PREFIX, strlen(PREFIX));
}

/* The next space-separated word of [*p, end) into word (size max). Returns
 * its length, 0 at the end, -1 when too long. */
static int next_word(const char **p, const char *end, char *word, size_t max)
{
	const char *s = *p, *w;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	w = s;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\r')
		s++;
	*p = s;
	if ((size_t)(s - w) >= max)
		return -1;
	memcpy(word, w, (size_t)(s - w));
	word[s - w] = '\0';
	return (int)(s - w);
}

static int parse_value(const char *word, uint64_t *v)
{
	char *end;

	if (word[0] < '0' || word[0] > '9')
		return -EBADMSG;
	errno = 0;
	*v = strtoull(word, &end, 10);
	return *end || errno ? -EBADMSG : 0;
}

/* The names line and the values line after their prefix. */
static int parse_pair(const char *names, size_t nn, const char *values, size_t nv,
		      struct netstat *out)
{
	const char *pn = names + strlen(PREFIX), *en = names + nn;
	const char *pv = values + strlen(PREFIX), *ev = values + nv;
	char value[32];
	int ln, lv;

	out->n = 0;
	for (;;) {
		struct netstat_counter *c = &out->c[out->n];

		ln = next_word(&pn, en, c->name, sizeof(c->name));
		lv = next_word(&pv, ev, value, sizeof(value));
		if (ln < 0 || lv < 0 || (ln == 0) != (lv == 0))
			return -EBADMSG;
		if (ln == 0)
			return 0;
		if (out->n == NETSTAT_MAX || parse_value(value, &c->value) < 0)
			return -EBADMSG;
		out->n++;
	}
}

int netstat_parse(const char *text, size_t len, struct netstat *out)
{
	const char *p = text, *end = text + len, *names = NULL, *line;
	size_t nn = 0, n;

	out->n = 0;
	while (next_line(&p, end, &line, &n)) {
		if (!has_prefix(line, n))
			continue;
		if (!names) {
			names = line;
			nn = n;
			continue;
		}
		return parse_pair(names, nn, line, n, out);
	}
	return names ? -EBADMSG : -ENODATA;
}

int netstat_read(const char *path, struct netstat *out)
{
	char *buf = malloc(FILE_MAX);
	size_t len = 0;
	ssize_t r = 1;
	int fd, ret;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	while (len < FILE_MAX && (r = read(fd, buf + len, FILE_MAX - len)) > 0)
		len += (size_t)r;
	ret = r < 0 ? -errno : netstat_parse(buf, len, out);
	close(fd);
	free(buf);
	return ret;
}

uint64_t netstat_get(const struct netstat *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, name))
			return s->c[i].value;
	return 0;
}

void netstat_delta(const struct netstat *now, const struct netstat *before,
		   struct netstat *out)
{
	out->n = now->n;
	for (size_t i = 0; i < now->n; i++) {
		uint64_t b = netstat_get(before, now->c[i].name);

		out->c[i] = now->c[i];
		if (now->c[i].value >= b)
			out->c[i].value -= b;
	}
}
