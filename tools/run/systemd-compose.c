// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What our drop-in says. preload mode: Environment= with LD_PRELOAD and
 * GODEBUG composed from the values the unit already has, since a drop-in's
 * Environment= replaces a same-named variable rather than appending to it.
 * seccomp mode: every ExecStart= line wrapped in 'mptcpkit run --mode
 * seccomp --', which reaches static and Go daemons too.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "systemd.h"
#include "util.h"

/* Inside "..." of Environment=: escape quotes and backslashes, double % (a
 * specifier otherwise). */
static char *env_quote(const char *v)
{
	char *out = malloc(strlen(v) * 2 + 1), *o = out;

	for (; out && *v; v++) {
		if (*v == '"' || *v == '\\' || *v == '%')
			*o++ = *v == '%' ? '%' : '\\';
		*o++ = *v;
	}
	if (out)
		*o = '\0';
	return out;
}

/* old + sep + add, unless old already has key (or is empty). */
static char *append(const char *old, char sep, const char *add, const char *key)
{
	char *v;

	if (old && *old && strstr(old, key))
		return strdup(old);
	if (!old || !*old)
		return strdup(add);
	return asprintf(&v, "%s%c%s", old, sep, add) < 0 ? NULL : v;
}

static void env_warnings(const struct unit_info *u)
{
	if (u->later_env)
		fprintf(stderr, PROG_NAME ": warning: a drop-in sorting after " DROPIN_NAME
			" sets LD_PRELOAD or GODEBUG and overrides ours\n");
	if (u->has_env_file)
		fprintf(stderr, PROG_NAME ": note: the unit has EnvironmentFile=, which is not "
			"read: an LD_PRELOAD or GODEBUG set there overrides ours (use --mode seccomp)\n");
}

static int compose_env(const struct unit_info *u, char **body)
{
	char shim[PATH_MAX], *ld, *go, *qld = NULL, *qgo = NULL;
	int ret = 1;

	if (preload_find(shim, sizeof(shim)) < 0)
		return fail("enable: the preload shim is not installed (set MPTCPKIT_PRELOAD)");
	ld = append(u->ld_preload, ':', shim, shim);
	go = append(u->godebug, ',', "multipathtcp=1", "multipathtcp=");
	if (ld && go && (qld = env_quote(ld)) && (qgo = env_quote(go)) &&
	    asprintf(body, "[Service]\nEnvironment=\"LD_PRELOAD=%s\" \"GODEBUG=%s\"\n",
		     qld, qgo) >= 0)
		ret = 0;
	free(ld);
	free(go);
	free(qld);
	free(qgo);
	if (ret)
		return fail("enable: out of memory");
	env_warnings(u);
	return 0;
}

/* ExecStart's prefixes (-, :, +, !, !!) stay in front; '@' would hand our
 * wrapper the program's argv[0]: not supported. */
static size_t exec_prefix(const char *line)
{
	return strspn(line, "-@:+!");
}

static int compose_exec(const struct unit_info *u, char **body)
{
	char self[PATH_MAX], *b = NULL, *next;
	size_t plen;

	if (u->n_exec == 0)
		return fail("enable: %s has no ExecStart= to wrap", u->path);
	if (!realpath("/proc/self/exe", self))
		return fail("enable: cannot find " PROG_NAME " itself: %s", strerror(errno));
	if (asprintf(&b, "[Service]\n%sExecStart=\n",
		     u->type_notify ? "NotifyAccess=all\n" : "") < 0)
		return fail("enable: out of memory");
	for (int i = 0; i < u->n_exec && b; i++) {
		plen = exec_prefix(u->exec_start[i]);
		if (memchr(u->exec_start[i], '@', plen)) {
			free(b);
			return fail("enable: ExecStart=@... (own argv[0]) cannot be wrapped: "
				    "use --mode preload");
		}
		next = NULL;
		if (asprintf(&next, "%sExecStart=%.*s%s run --mode seccomp -- %s\n", b,
			     (int)plen, u->exec_start[i], self, u->exec_start[i] + plen) < 0)
			next = NULL;
		free(b);
		b = next;
	}
	if (!b)
		return fail("enable: out of memory");
	if (u->later_exec)
		fprintf(stderr, PROG_NAME ": warning: a drop-in sorting after " DROPIN_NAME
			" sets ExecStart= and overrides ours\n");
	*body = b;
	return 0;
}

int dropin_compose(const struct unit_info *u, enum run_mode mode, char **body)
{
	return mode == RUN_SECCOMP ? compose_exec(u, body) : compose_env(u, body);
}

int dropin_add_sockopts(char **body, const char *sockopts)
{
	char *next;

	if (asprintf(&next, "%sEnvironment=\"MPTCPKIT_SOCKOPTS=%s\"\n", *body, sockopts) < 0)
		return fail("enable: out of memory");
	free(*body);
	*body = next;
	return 0;
}

enum run_mode enable_choose_mode(const struct unit_info *u, const char *root)
{
	char prog[PATH_MAX], rooted[PATH_MAX * 2];
	struct exec_probe p;
	const char *why, *line;

	if (u->n_exec == 0)
		return RUN_PRELOAD;
	line = u->exec_start[0] + exec_prefix(u->exec_start[0]);
	snprintf(prog, sizeof(prog), "%.*s", (int)strcspn(line, " \t"), line);
	snprintf(rooted, sizeof(rooted), "%s%s", root, prog);
	exec_probe(root[0] && prog[0] == '/' && access(rooted, F_OK) == 0 ? rooted : prog, &p);
	return run_mode_choose(&p, &why);
}
