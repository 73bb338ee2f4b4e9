// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read a systemd service the way systemd composes it: the unit file found
 * first in /etc, /run, /lib, /usr/lib (systemd/system), then the drop-ins
 * UNIT.d/NAME.conf of all those directories in file-name order (a name in an
 * earlier directory hides the same name in a later one). Only what
 * mptcpkit enable needs is kept: Environment= LD_PRELOAD and GODEBUG, and
 * ExecStart=.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "systemd.h"
#include "util.h"

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system",
	"/lib/systemd/system", "/usr/lib/systemd/system",
};
#define NDIRS (sizeof(unit_dirs) / sizeof(unit_dirs[0]))

int unit_name_normalize(const char *in, char *out, size_t len)
{
	const char *dot = strrchr(in, '.');
	int n;

	if (!*in || strchr(in, '/') || !strcmp(in, ".") || !strcmp(in, ".."))
		return -EINVAL;
	n = snprintf(out, len, dot ? "%s" : "%s.service", in);
	return n > 0 && (size_t)n < len ? 0 : -EINVAL;
}

/* "foo@bar.service" -> "foo@.service" (the template), else -ENOENT. */
static int template_name(const char *unit, char *out, size_t len)
{
	const char *at = strchr(unit, '@'), *dot = strrchr(unit, '.');

	if (!at || !dot || at + 1 == dot)
		return -ENOENT;
	snprintf(out, len, "%.*s%s", (int)(at - unit + 1), unit, dot);
	return 0;
}

static int find_file(const char *root, const char *unit, char *path, size_t len)
{
	for (size_t i = 0; i < NDIRS; i++) {
		snprintf(path, len, "%s%s/%s", root, unit_dirs[i], unit);
		if (access(path, F_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static void replace(char **slot, const char *val)
{
	free(*slot);
	*slot = val ? strdup(val) : NULL;
}

struct env_ctx {
	struct unit_info *u;
	bool later;
};

static void env_assignment(const char *a, void *data)
{
	struct env_ctx *c = data;

	if (!strncmp(a, "LD_PRELOAD=", 11))
		replace(&c->u->ld_preload, a + 11);
	else if (!strncmp(a, "GODEBUG=", 8))
		replace(&c->u->godebug, a + 8);
	else
		return;
	c->u->later_env |= c->later;
}

static void exec_start(struct unit_info *u, const char *val, bool later)
{
	if (!*val) {
		for (int i = 0; i < u->n_exec; i++)
			free(u->exec_start[i]);
		u->n_exec = 0;
	} else if (u->n_exec < UNIT_MAX_EXEC) {
		u->exec_start[u->n_exec++] = strdup(val);
	}
	u->later_exec |= later;
}

static void service_key(struct unit_info *u, const char *key, const char *val, bool later)
{
	struct env_ctx c = { .u = u, .later = later };

	if (!strcmp(key, "Environment")) {
		if (!*val) {
			replace(&u->ld_preload, NULL);
			replace(&u->godebug, NULL);
		}
		unit_env_split(val, env_assignment, &c);
	} else if (!strcmp(key, "EnvironmentFile")) {
		u->has_env_file = true;
	} else if (!strcmp(key, "Type")) {
		u->type_notify = !strncmp(val, "notify", 6);
	} else if (!strcmp(key, "ExecStart")) {
		exec_start(u, val, later);
	}
}

/* One logical line (backslash-newline continues it) into *line. */
static bool read_logical_line(FILE *f, char **line, size_t *cap)
{
	char *part = NULL;
	size_t pcap = 0, len = 0;

	if (getline(line, cap, f) < 0)
		return false;
	for (;;) {
		len = strlen(*line);
		while (len && strchr("\r\n", (*line)[len - 1]))
			(*line)[--len] = '\0';
		if (!len || (*line)[len - 1] != '\\' || getline(&part, &pcap, f) < 0)
			break;
		(*line)[len - 1] = ' ';
		*line = realloc(*line, len + strlen(part) + 1);
		strcpy(*line + len, part);
		*cap = len + strlen(part) + 1;
	}
	free(part);
	return true;
}

static int parse_file(struct unit_info *u, const char *path, bool later)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *s, *eq;
	size_t cap = 0;
	bool service = false;

	if (!f)
		return -errno;
	while (read_logical_line(f, &line, &cap)) {
		s = str_trim(line);
		if (*s == '[')
			service = !strcmp(s, "[Service]");
		if (!service || *s == '#' || *s == ';' || !(eq = strchr(s, '=')))
			continue;
		*eq = '\0';
		service_key(u, str_trim(s), str_trim(eq + 1), later);
	}
	free(line);
	fclose(f);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(strrchr(*(char *const *)a, '/') + 1, strrchr(*(char *const *)b, '/') + 1);
}

static bool name_taken(char **list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(strrchr(list[i], '/') + 1, name))
			return true;
	return false;
}

/* The drop-in paths of unit, sorted by file name, ours left out. */
static int list_dropins(const char *root, const char *unit, char **list, int max)
{
	char dir[4096];
	int n = 0;

	for (size_t i = 0; i < NDIRS; i++) {
		struct dirent *e;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s%s/%s.d", root, unit_dirs[i], unit);
		d = opendir(dir);
		while (d && (e = readdir(d)) && n < max) {
			size_t l = strlen(e->d_name);

			if (l < 6 || strcmp(e->d_name + l - 5, ".conf") ||
			    !strcmp(e->d_name, DROPIN_NAME) || name_taken(list, n, e->d_name))
				continue;
			if (asprintf(&list[n], "%s/%s", dir, e->d_name) >= 0)
				n++;
		}
		if (d)
			closedir(d);
	}
	qsort(list, (size_t)n, sizeof(*list), cmp_names);
	return n;
}

int unit_load(const char *root, const char *unit, struct unit_info *u)
{
	char tmpl[512], *dropins[64];
	int ret, n;

	memset(u, 0, sizeof(*u));
	ret = find_file(root, unit, u->path, sizeof(u->path));
	if (ret < 0 && template_name(unit, tmpl, sizeof(tmpl)) == 0)
		ret = find_file(root, tmpl, u->path, sizeof(u->path));
	if (ret < 0)
		return ret;
	ret = parse_file(u, u->path, false);
	n = list_dropins(root, unit, dropins, 64);
	for (int i = 0; i < n; i++) {
		bool later = strcmp(strrchr(dropins[i], '/') + 1, DROPIN_NAME) > 0;

		if (!ret)
			ret = parse_file(u, dropins[i], later);
		free(dropins[i]);
	}
	return ret;
}

void unit_info_free(struct unit_info *u)
{
	free(u->ld_preload);
	free(u->godebug);
	for (int i = 0; i < u->n_exec; i++)
		free(u->exec_start[i]);
	memset(u, 0, sizeof(*u));
}

/* systemd's quoting: "..." or '...' around (parts of) a word, \ escapes. */
void unit_env_split(const char *v, void (*fn)(const char *assignment, void *data),
		    void *data)
{
	char *word = malloc(strlen(v) + 1);
	size_t n;

	while (word && *v) {
		char quote = 0;

		while (*v == ' ' || *v == '\t')
			v++;
		for (n = 0; *v && (quote || (*v != ' ' && *v != '\t')); v++) {
			if (!quote && (*v == '"' || *v == '\''))
				quote = *v;
			else if (quote && *v == quote)
				quote = 0;
			else if (*v == '\\' && v[1] && quote != '\'')
				word[n++] = *++v;
			else
				word[n++] = *v;
		}
		word[n] = '\0';
		if (n && strchr(word, '='))
			fn(word, data);
	}
	free(word);
}
