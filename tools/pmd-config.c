// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's configuration file: "key = value" lines, '#' or ';' comments, and
 * [interface NAME] sections for per-interface settings. Strict: an unknown
 * key, a bad value or a malformed line is an error with its line number,
 * so a typo never silently changes what the daemon does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmd.h"

#define LINE_MAX_LEN 1024

struct parser {
	struct pmd_config *cfg;
	struct pmd_ifconf *section;	/* NULL: top level */
	int line;
	char *err;
	size_t errlen;
};

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "line %d: ", p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void pmd_config_init(struct pmd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = PMD_MODE_CLIENT;
	cfg->pm = PMD_PM_KERNEL;
	cfg->down = PMD_DOWN_REMOVE;
	cfg->subflows = -1;
	cfg->add_addr_accepted = -1;
	cfg->notsent_lowat = -1;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == '/' || *s == ',' ||
		    *s == ':' || !isprint((unsigned char)*s))
			return false;
	}
	return true;
}

bool pmd_iflist_has(const struct pmd_iflist *list, const char *name)
{
	for (int i = 0; i < list->count; i++) {
		if (!strcmp(list->name[i], name))
			return true;
	}
	return false;
}

int pmd_iflist_parse(struct pmd_iflist *list, const char *s)
{
	char buf[LINE_MAX_LEN], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!valid_ifname(tok))
			return -EINVAL;
		if (pmd_iflist_has(list, tok))
			continue;
		if (list->count >= PMD_IF_MAX)
			return -EINVAL;
		strcpy(list->name[list->count++], tok);
	}
	return 0;
}

static const char *const flag_names[] = { "signal", "subflow", "backup", "fullmesh" };

int pmd_flags_parse(const char *s, int *flags)
{
	char buf[256], *save = NULL, *tok;
	int out = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		tok = trim(tok);
		for (i = 0; i < 4 && strcmp(tok, flag_names[i]); i++)
			;
		if (i == 4)
			return -EINVAL;
		out |= 1 << i;
	}
	/* an endpoint with neither signal nor subflow does nothing */
	if (!(out & (PMD_FLAG_SIGNAL | PMD_FLAG_SUBFLOW)))
		return -EINVAL;
	*flags = out;
	return 0;
}

const char *pmd_flags_format(int flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (flags & (1 << i))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "," : "", flag_names[i]);
	}
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

const struct pmd_ifconf *pmd_config_if(const struct pmd_config *cfg,
				       const char *ifname)
{
	for (int i = 0; i < cfg->nifs; i++) {
		if (!strcmp(cfg->ifs[i].name, ifname))
			return &cfg->ifs[i];
	}
	return NULL;
}

/* "yes"/"no" and friends: 1, 0, or -1 for anything else. */
static int parse_bool(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

static int parse_limit(struct parser *p, const char *key, const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!strcmp(v, "auto")) {
		*out = -1;
		return 0;
	}
	if (errno || end == v || *end || n < 0 || n > PMD_LIMIT_MAX)
		return perr(p, "%s must be 0..%d or auto, not '%s'", key,
			    PMD_LIMIT_MAX, v);
	*out = (int)n;
	return 0;
}

/* bytes, 1 KiB .. 1 GiB, or "off" */
static int parse_lowat(struct parser *p, const char *v, long *out)
{
	char *end;
	long n;

	if (!strcmp(v, "off")) {
		*out = -1;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1024 || n > (1L << 30))
		return perr(p, "notsent_lowat must be 1024..1073741824 bytes or off, not '%s'", v);
	*out = n;
	return 0;
}

static int set_mode(struct parser *p, const char *v)
{
	if (!strcmp(v, "client"))
		p->cfg->mode = PMD_MODE_CLIENT;
	else if (!strcmp(v, "server"))
		p->cfg->mode = PMD_MODE_SERVER;
	else
		return perr(p, "mode must be client or server, not '%s'", v);
	return 0;
}

static int set_pm(struct parser *p, const char *v)
{
	if (!strcmp(v, "kernel"))
		p->cfg->pm = PMD_PM_KERNEL;
	else if (!strcmp(v, "userspace"))
		p->cfg->pm = PMD_PM_USERSPACE;
	else
		return perr(p, "pm must be kernel or userspace, not '%s'", v);
	return 0;
}

static int set_down(struct parser *p, const char *v)
{
	if (!strcmp(v, "remove"))
		p->cfg->down = PMD_DOWN_REMOVE;
	else if (!strcmp(v, "backup"))
		p->cfg->down = PMD_DOWN_BACKUP;
	else
		return perr(p, "on_link_down must be remove or backup, not '%s'", v);
	return 0;
}

static int set_list(struct parser *p, struct pmd_iflist *list,
		    const char *key, const char *v)
{
	if (pmd_iflist_parse(list, v))
		return perr(p, "%s: bad interface list '%s'", key, v);
	return 0;
}

static int top_key(struct parser *p, const char *key, const char *v)
{
	struct pmd_config *c = p->cfg;
	int b;

	if (!strcmp(key, "mode"))
		return set_mode(p, v);
	if (!strcmp(key, "pm"))
		return set_pm(p, v);
	if (!strcmp(key, "on_link_down"))
		return set_down(p, v);
	if (!strcmp(key, "only") || !strcmp(key, "include"))
		return set_list(p, &c->only, key, v);
	if (!strcmp(key, "exclude"))
		return set_list(p, &c->exclude, key, v);
	if (!strcmp(key, "backup"))
		return set_list(p, &c->backup, key, v);
	if (!strcmp(key, "subflows"))
		return parse_limit(p, key, v, &c->subflows);
	if (!strcmp(key, "add_addr_accepted"))
		return parse_limit(p, key, v, &c->add_addr_accepted);
	if (!strcmp(key, "notsent_lowat"))
		return parse_lowat(p, v, &c->notsent_lowat);
	if (!strcmp(key, "verbose")) {
		if ((b = parse_bool(v)) < 0)
			return perr(p, "verbose must be yes or no, not '%s'", v);
		c->verbose = b;
		return 0;
	}
	return perr(p, "unknown key '%s'", key);
}

static int section_key(struct parser *p, const char *key, const char *v)
{
	struct pmd_ifconf *s = p->section;
	int b;

	if (!strcmp(key, "flags")) {
		if (pmd_flags_parse(v, &s->flags))
			return perr(p, "flags: need signal and/or subflow, "
				    "plus backup, fullmesh; not '%s'", v);
		return 0;
	}
	if (!strcmp(key, "backup") || !strcmp(key, "use")) {
		if ((b = parse_bool(v)) < 0)
			return perr(p, "%s must be yes or no, not '%s'", key, v);
		*(!strcmp(key, "backup") ? &s->backup : &s->use) = b;
		return 0;
	}
	return perr(p, "unknown key '%s' in [interface %s]", key, s->name);
}

/* "[interface NAME]" */
static int section(struct parser *p, char *line)
{
	char *end = strchr(line, ']'), *name;
	struct pmd_config *c = p->cfg;

	if (!end || trim(end + 1)[0])
		return perr(p, "a section is '[interface NAME]'");
	*end = '\0';
	name = trim(line + 1);
	if (!strcmp(name, "interface"))
		return perr(p, "a section is '[interface NAME]'");
	if (strncmp(name, "interface", 9) || !isspace((unsigned char)name[9]))
		return perr(p, "unknown section '[%s]'", name);
	name = trim(name + 9);
	if (!valid_ifname(name))
		return perr(p, "bad interface name '%s'", name);
	if (pmd_config_if(c, name))
		return perr(p, "interface %s appears twice", name);
	if (c->nifs >= PMD_IF_MAX)
		return perr(p, "more than %d interface sections", PMD_IF_MAX);
	p->section = &c->ifs[c->nifs++];
	strcpy(p->section->name, name);
	p->section->flags = p->section->backup = p->section->use = -1;
	return 0;
}

static void strip_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if ((*c == '#' || *c == ';') && (c == s || isspace((unsigned char)c[-1]))) {
			*c = '\0';
			return;
		}
	}
}

static int parse_line(struct parser *p, char *raw)
{
	char *line, *eq, *key, *val;

	strip_comment(raw);
	line = trim(raw);
	if (!*line)
		return 0;
	if (*line == '[')
		return section(p, line);
	eq = strchr(line, '=');
	if (!eq)
		return perr(p, "expected 'key = value'");
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!*key)
		return perr(p, "a key is missing before '='");
	if (!*val)
		return perr(p, "%s: the value is missing", key);
	return p->section ? section_key(p, key, val) : top_key(p, key, val);
}

int pmd_config_parse(struct pmd_config *cfg, FILE *f, char *err, size_t errlen)
{
	struct parser p = { .cfg = cfg, .err = err, .errlen = errlen };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	while (!ret && (n = getline(&buf, &cap, f)) >= 0) {
		p.line++;
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if ((size_t)n != strlen(buf))
			ret = perr(&p, "contains a NUL byte");
		else if (n > LINE_MAX_LEN)
			ret = perr(&p, "longer than %d characters", LINE_MAX_LEN);
		else
			ret = parse_line(&p, buf);
	}
	if (!ret && ferror(f))
		ret = -EIO;
	free(buf);
	return ret;
}

int pmd_config_parse_string(struct pmd_config *cfg, const char *text,
			    char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -errno;
	ret = pmd_config_parse(cfg, f, err, errlen);
	fclose(f);
	return ret;
}

int pmd_config_load(struct pmd_config *cfg, const char *path, bool required,
		    char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		ret = -errno;
		if (ret == -ENOENT && !required)
			return 0;
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	ret = pmd_config_parse(cfg, f, err, errlen);
	fclose(f);
	return ret;
}
