// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmd's configuration file: "key = value" lines, '#' or ';' comments, and
 * [interface NAME] sections for per-interface settings. Strict: an unknown
 * key, a bad value or a malformed line is an error with its line number,
 * so a typo never silently changes what the daemon does.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmd.h"
#include "util.h"

#define LINE_MAX_LEN 1024

/* One setting being applied: where its error goes. */
struct setter {
	struct pmd_config *cfg;
	struct pmd_ifconf *section;	/* NULL: top level */
	char *err;
	size_t errlen;
};

static int perr(struct setter *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct setter *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
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
	cfg->wmem_max = PMD_BUF_AUTO;
	cfg->rmem_max = -1;	/* opt-in: see pmd-rcvwin.c for why */
	cfg->checksum = false;	/* opt-in: see pmd-tune.c for why */
	cfg->rmem_default = PMD_RMEM_DEFAULT;
	cfg->health = (struct pmd_health_config){
		.enabled = true, .interval_ms = 25, .dead_ms = 120, .dead_probes = 3,
		.alive_probes = 2, .stall_ms = 300,
	};
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
		tok = str_trim(tok);
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

int pmd_flags_parse(const char *s, int *flags)
{
	char buf[256], *save = NULL, *tok;
	uint32_t out = 0, bit;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (mpk_endpoint_flag_from_name(str_trim(tok), &bit) ||
		    !(bit & PMD_EP_CONFIGURABLE))
			return -EINVAL;
		out |= bit;
	}
	/* an endpoint with neither signal nor subflow does nothing */
	if (!(out & (MPK_EP_SIGNAL | MPK_EP_SUBFLOW)))
		return -EINVAL;
	*flags = (int)out;
	return 0;
}

const char *pmd_flags_format(int flags, char *buf, size_t len)
{
	if (!flags)
		snprintf(buf, len, "none");
	else
		mpk_endpoint_flags_format((uint32_t)flags, ",", buf, len);
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

static int parse_limit(struct setter *p, const char *key, const char *v, int *out)
{
	long n;

	if (!strcmp(v, "auto")) {
		*out = -1;
		return 0;
	}
	if (parse_long(v, 0, PMD_LIMIT_MAX, &n))
		return perr(p, "%s must be 0..%d or auto, not '%s'", key, PMD_LIMIT_MAX, v);
	*out = (int)n;
	return 0;
}

static int set_subflows(struct setter *p, const char *key, const char *v)
{
	return parse_limit(p, key, v, &p->cfg->subflows);
}

static int set_accepted(struct setter *p, const char *key, const char *v)
{
	return parse_limit(p, key, v, &p->cfg->add_addr_accepted);
}

/* bytes in min..1 GiB, or "off" (-1) */
static int parse_bytes_or_off(struct setter *p, const char *key, const char *v,
			      long min, long *out)
{
	long n;

	if (!strcmp(v, "off")) {
		*out = -1;
		return 0;
	}
	if (parse_long(v, min, 1L << 30, &n))
		return perr(p, "%s must be %ld..1073741824 bytes or off, not '%s'",
			    key, min, v);
	*out = n;
	return 0;
}

static int set_lowat(struct setter *p, const char *key, const char *v)
{
	return parse_bytes_or_off(p, key, v, 1024, &p->cfg->notsent_lowat);
}

/* auto, off or bytes; below 64 KiB a subflow could not fill even a slow path */
static int parse_buf_max(struct setter *p, const char *key, const char *v, long *out)
{
	if (!strcmp(v, "auto")) {
		*out = PMD_BUF_AUTO;
		return 0;
	}
	if (parse_bytes_or_off(p, key, v, 65536, out) < 0)
		return perr(p, "%s must be auto, off or 65536..1073741824 bytes, not '%s'",
			    key, v);
	return 0;
}

static int set_wmem_max(struct setter *p, const char *key, const char *v)
{
	return parse_buf_max(p, key, v, &p->cfg->wmem_max);
}

static int set_rmem_max(struct setter *p, const char *key, const char *v)
{
	return parse_buf_max(p, key, v, &p->cfg->rmem_max);
}

/* One of names[], stored as its index. */
static int set_choice(struct setter *p, const char *key, const char *v,
		      const char *const names[2], int *out)
{
	for (int i = 0; i < 2; i++) {
		if (!strcmp(v, names[i])) {
			*out = i;
			return 0;
		}
	}
	return perr(p, "%s must be %s or %s, not '%s'", key, names[0], names[1], v);
}

static int set_mode(struct setter *p, const char *key, const char *v)
{
	static const char *const names[2] = { [PMD_MODE_CLIENT] = "client",
					      [PMD_MODE_SERVER] = "server" };
	int i, ret = set_choice(p, key, v, names, &i);

	if (!ret)
		p->cfg->mode = i;
	return ret;
}

static int set_pm(struct setter *p, const char *key, const char *v)
{
	static const char *const names[2] = { [PMD_PM_KERNEL] = "kernel",
					      [PMD_PM_USERSPACE] = "userspace" };
	int i, ret = set_choice(p, key, v, names, &i);

	if (!ret)
		p->cfg->pm = i;
	return ret;
}

static int set_down(struct setter *p, const char *key, const char *v)
{
	static const char *const names[2] = { [PMD_DOWN_REMOVE] = "remove",
					      [PMD_DOWN_BACKUP] = "backup" };
	int i, ret = set_choice(p, key, v, names, &i);

	if (!ret)
		p->cfg->down = i;
	return ret;
}

static int set_prefer(struct setter *p, const char *key, const char *v)
{
	if (pmd_prefer_parse(v, &p->cfg->prefer))
		return perr(p, "%s must be auto, aggregate, handover or interactive, not '%s'",
			    key, v);
	return 0;
}

static int set_list(struct setter *p, const char *key, const char *v,
		    struct pmd_iflist *list)
{
	if (pmd_iflist_parse(list, v))
		return perr(p, "%s: bad interface list '%s'", key, v);
	return 0;
}

static int set_only(struct setter *p, const char *key, const char *v)
{
	return set_list(p, key, v, &p->cfg->only);
}

static int set_exclude(struct setter *p, const char *key, const char *v)
{
	return set_list(p, key, v, &p->cfg->exclude);
}

static int set_backup_list(struct setter *p, const char *key, const char *v)
{
	return set_list(p, key, v, &p->cfg->backup);
}

static int set_bool(struct setter *p, const char *key, const char *v, bool *out)
{
	int b = parse_bool(v);

	if (b < 0)
		return perr(p, "%s must be yes or no, not '%s'", key, v);
	*out = b;
	return 0;
}

static int set_verbose(struct setter *p, const char *key, const char *v)
{
	return set_bool(p, key, v, &p->cfg->verbose);
}

static int set_rmem_default(struct setter *p, const char *key, const char *v)
{
	return parse_bytes_or_off(p, key, v, 4096, &p->cfg->rmem_default);
}

static int set_checksum(struct setter *p, const char *key, const char *v)
{
	return set_bool(p, key, v, &p->cfg->checksum);
}

/* "scheduler = NAME": spelt as the kernel's schedulers are (whether this
 * kernel offers it is checked at start, pmd-sched.c); no blank, so that it
 * fits pmd-tune.c's run file ("sysctl PATH VALUE"). */
static int set_scheduler(struct setter *p, const char *key, const char *v)
{
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t n = strlen(v);

	if (!n || n >= sizeof(p->cfg->scheduler) || strspn(v, name_chars) != n)
		return perr(p, "%s must be a scheduler's name (at most %zu letters, digits, "
			    "'_' or '-'), not '%s'", key, sizeof(p->cfg->scheduler) - 1, v);
	memcpy(p->cfg->scheduler, v, n + 1);
	return 0;
}

static int set_health(struct setter *p, const char *key, const char *v)
{
	return set_bool(p, key, v, &p->cfg->health.enabled);
}

static int set_uint(struct setter *p, const char *key, const char *v,
		    long min, long max, unsigned int *out)
{
	long n;

	if (parse_long(v, min, max, &n))
		return perr(p, "%s must be %ld..%ld, not '%s'", key, min, max, v);
	*out = (unsigned int)n;
	return 0;
}

static int set_interval(struct setter *p, const char *key, const char *v)
{
	return set_uint(p, key, v, 10, 10000, &p->cfg->health.interval_ms);
}

static int set_dead_ms(struct setter *p, const char *key, const char *v)
{
	return set_uint(p, key, v, 50, 60000, &p->cfg->health.dead_ms);
}

static int set_dead_probes(struct setter *p, const char *key, const char *v)
{
	return set_uint(p, key, v, 1, 100, &p->cfg->health.dead_probes);
}

static int set_alive_probes(struct setter *p, const char *key, const char *v)
{
	return set_uint(p, key, v, 1, 100, &p->cfg->health.alive_probes);
}

static int set_stall_ms(struct setter *p, const char *key, const char *v)
{
	return set_uint(p, key, v, 100, 60000, &p->cfg->health.stall_ms);
}

static int parse_target(char *tok, int *family, union mpk_in46 *ip, uint16_t *port);

/* "balanced = VIP:PORT": the service address clients reach through the
 * balancer; backend mode (server only: checked when pmd starts). */
static int set_balanced(struct setter *p, const char *key, const char *v)
{
	struct pmd_balanced_config *b = &p->cfg->balanced;
	char buf[LINE_MAX_LEN];

	if (!strcmp(v, "no") || !strcmp(v, "off")) {
		b->on = false;
		return 0;
	}
	if (strlen(v) >= sizeof(buf))
		return perr(p, "%s: too long", key);
	strcpy(buf, v);
	if (parse_target(buf, &b->vip_family, &b->vip, &b->vip_port) || !b->vip_port)
		return perr(p, "%s must be VIP:PORT or [VIP6]:PORT, not '%s'", key, v);
	b->on = true;
	return 0;
}

/* "join = ADDR[:PORT]": this backend's own join address (and port). */
static int set_join(struct setter *p, const char *key, const char *v)
{
	struct pmd_balanced_config *b = &p->cfg->balanced;
	char buf[LINE_MAX_LEN];

	if (strlen(v) >= sizeof(buf))
		return perr(p, "%s: too long", key);
	strcpy(buf, v);
	if (parse_target(buf, &b->join_family, &b->join, &b->join_port))
		return perr(p, "%s must be ADDR, ADDR:PORT or [ADDR6]:PORT, not '%s'", key, v);
	return 0;
}

typedef int (*set_fn)(struct setter *p, const char *key, const char *v);

static const struct {
	const char *key;
	set_fn set;
} top_settings[] = {
	{ "mode", set_mode },
	{ "pm", set_pm },
	{ "on_link_down", set_down },
	{ "prefer", set_prefer },
	{ "only", set_only },
	{ "include", set_only },
	{ "exclude", set_exclude },
	{ "backup", set_backup_list },
	{ "subflows", set_subflows },
	{ "add_addr_accepted", set_accepted },
	{ "notsent_lowat", set_lowat },
	{ "wmem_max", set_wmem_max },
	{ "rmem_max", set_rmem_max },
	{ "rmem_default", set_rmem_default },
	{ "checksum", set_checksum },
	{ "scheduler", set_scheduler },
	{ "verbose", set_verbose },
	{ "health_checks", set_health },
	{ "probe_interval_ms", set_interval },
	{ "dead_after_ms", set_dead_ms },
	{ "dead_after_probes", set_dead_probes },
	{ "alive_after_probes", set_alive_probes },
	{ "stall_ms", set_stall_ms },
	{ "balanced", set_balanced },
	{ "join", set_join },
};

static int top_key(struct setter *p, const char *key, const char *v)
{
	for (size_t i = 0; i < sizeof(top_settings) / sizeof(top_settings[0]); i++) {
		if (!strcmp(key, top_settings[i].key))
			return top_settings[i].set(p, key, v);
	}
	return perr(p, "unknown key '%s'", key);
}

/* One probe target: ADDR or ADDR6 (ICMP echo), ADDR:PORT or [ADDR6]:PORT
 * (TCP connect). 0, or -EINVAL. */
static int parse_target(char *tok, int *family, union mpk_in46 *ip, uint16_t *port)
{
	char *colon = strrchr(tok, ':');
	long n = 0;

	if (tok[0] == '[') {	/* [ADDR6]:PORT */
		if (!colon || colon[-1] != ']')
			return -EINVAL;
		colon[-1] = '\0';
		tok++;
	} else if (colon && strchr(tok, ':') != colon) {
		colon = NULL;	/* a bare IPv6 address: ICMP */
	}
	if (colon) {
		*colon = '\0';
		if (parse_long(colon + 1, 1, 65535, &n))
			return -EINVAL;
	}
	*family = strchr(tok, ':') ? AF_INET6 : AF_INET;
	*port = (uint16_t)n;
	return inet_pton(*family, tok, ip) == 1 ? 0 : -EINVAL;
}

/* "probe = TARGET[,TARGET...]": probe targets for this interface. */
static int set_targets(struct setter *p, const char *v)
{
	struct pmd_ifconf *s = p->section;
	char buf[LINE_MAX_LEN], *save = NULL, *tok;

	if (strlen(v) >= sizeof(buf))
		return perr(p, "probe: too long");
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char shown[LINE_MAX_LEN];
		int n = s->ntargets;

		tok = str_trim(tok);
		snprintf(shown, sizeof(shown), "%s", tok);
		if (n >= PMD_TARGETS_MAX)
			return perr(p, "probe: at most %d targets", PMD_TARGETS_MAX);
		if (parse_target(tok, &s->target_family[n], &s->target[n], &s->target_port[n]))
			return perr(p, "probe: '%s' is not ADDR, ADDR:PORT or [ADDR6]:PORT", shown);
		s->ntargets++;
	}
	return 0;
}

static int section_key(struct setter *p, const char *key, const char *v)
{
	struct pmd_ifconf *s = p->section;
	bool b;
	int ret;

	if (!strcmp(key, "flags")) {
		if (pmd_flags_parse(v, &s->flags))
			return perr(p, "flags: need signal and/or subflow, "
				    "plus backup, fullmesh; not '%s'", v);
		return 0;
	}
	if (!strcmp(key, "probe"))
		return set_targets(p, v);
	if (strcmp(key, "backup") && strcmp(key, "use"))
		return perr(p, "unknown key '%s' in [interface %s]", key, s->name);
	ret = set_bool(p, key, v, &b);
	if (ret)
		return ret;
	if (!strcmp(key, "backup"))
		s->backup = b;
	else
		s->use = b;
	return 0;
}

/* The section of interface name, created on first use. */
static int open_section(struct setter *p, const char *name, bool new_only)
{
	struct pmd_config *c = p->cfg;

	if (!valid_ifname(name))
		return perr(p, "bad interface name '%s'", name);
	p->section = (struct pmd_ifconf *)pmd_config_if(c, name);
	if (p->section && new_only)
		return perr(p, "interface %s appears twice", name);
	if (p->section)
		return 0;
	if (c->nifs >= PMD_IF_MAX)
		return perr(p, "more than %d interface sections", PMD_IF_MAX);
	p->section = &c->ifs[c->nifs++];
	memset(p->section, 0, sizeof(*p->section));
	strcpy(p->section->name, name);
	p->section->flags = p->section->backup = p->section->use = -1;
	return 0;
}

int pmd_config_set(struct pmd_config *cfg, const char *section, const char *key,
		   const char *value, char *err, size_t errlen)
{
	struct setter p = { .cfg = cfg, .err = err, .errlen = errlen };
	int ret = section ? open_section(&p, section, false) : 0;

	if (ret)
		return ret;
	return section ? section_key(&p, key, value) : top_key(&p, key, value);
}

/* The file parser: a setter plus the line number for errors. */
struct parser {
	struct setter set;
	int line;
};

/* "[interface NAME]" */
static int section(struct parser *ps, char *line)
{
	struct setter *p = &ps->set;
	char *end = strchr(line, ']'), *name;

	if (!end || str_trim(end + 1)[0])
		return perr(p, "a section is '[interface NAME]'");
	*end = '\0';
	name = str_trim(line + 1);
	if (!strcmp(name, "interface"))
		return perr(p, "a section is '[interface NAME]'");
	if (strncmp(name, "interface", 9) || !isspace((unsigned char)name[9]))
		return perr(p, "unknown section '[%s]'", name);
	return open_section(p, str_trim(name + 9), true);
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

static int parse_line(struct parser *ps, char *raw)
{
	struct setter *p = &ps->set;
	char *line, *eq, *key, *val;

	strip_comment(raw);
	line = str_trim(raw);
	if (!*line)
		return 0;
	if (*line == '[')
		return section(ps, line);
	eq = strchr(line, '=');
	if (!eq)
		return perr(p, "expected 'key = value'");
	*eq = '\0';
	key = str_trim(line);
	val = str_trim(eq + 1);
	if (!*key)
		return perr(p, "a key is missing before '='");
	if (!*val)
		return perr(p, "%s: the value is missing", key);
	return p->section ? section_key(p, key, val) : top_key(p, key, val);
}

/* "line N: " before the message the setter wrote. */
static int with_line(struct parser *ps, int ret)
{
	char msg[256];

	if (!ret)
		return 0;
	snprintf(msg, sizeof(msg), "%s", ps->set.err);
	snprintf(ps->set.err, ps->set.errlen, "line %d: %s", ps->line, msg);
	return ret;
}

int pmd_config_parse(struct pmd_config *cfg, FILE *f, char *err, size_t errlen)
{
	struct parser ps = { .set = { .cfg = cfg, .err = err, .errlen = errlen } };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	while (!ret && (n = getline(&buf, &cap, f)) >= 0) {
		ps.line++;
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if ((size_t)n != strlen(buf))
			ret = perr(&ps.set, "contains a NUL byte");
		else if (n > LINE_MAX_LEN)
			ret = perr(&ps.set, "longer than %d characters", LINE_MAX_LEN);
		else
			ret = parse_line(&ps, buf);
		ret = with_line(&ps, ret);
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
