// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpkit enable|disable [--root DIR] [--mode auto|preload|seccomp] UNIT
 *
 * Forces a systemd service onto MPTCP with a drop-in, never touching the
 * vendor's unit. preload: Environment=LD_PRELOAD and GODEBUG, composed with
 * what the unit already sets (a drop-in's Environment= replaces a variable of
 * the same name, it does not append). seccomp: ExecStart= wrapped in
 * 'mptcpkit run --mode seccomp', for static and Go daemons. auto picks per
 * the ExecStart program, like 'mptcpkit run'.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "print.h"
#include "run.h"
#include "systemd.h"
#include "util.h"

struct enable_args {
	const char *root; /* "" for the running system */
	const char *unit;
	enum run_mode mode;
	char sockopts[1024]; /* --sockopt items, "A=tcp,B=ignore" */
	char rootbuf[PATH_MAX];
	char unitbuf[256];
};

static void enable_usage(FILE *f, const char *cmd)
{
	fprintf(f, "Usage: " PROG_NAME " %s [--root DIR]%s UNIT\n\n", cmd,
		strcmp(cmd, "enable") ? "" : " [--mode auto|preload|seccomp]\n"
		"         [--sockopt NAME=tcp|ignore|error]...");
	if (!strcmp(cmd, "enable"))
		fprintf(f, "Force the systemd service UNIT onto MPTCP with the drop-in\n"
			   "/etc/systemd/system/UNIT.d/" DROPIN_NAME " (the unit itself is not changed).\n"
			   "  --mode preload   Environment=LD_PRELOAD (+GODEBUG), merged with the unit's\n"
			   "  --mode seccomp   ExecStart= wrapped in '" PROG_NAME " run --mode seccomp'\n"
			   "  --mode auto      seccomp for static, Go or setuid programs (default)\n"
			   "  --sockopt NAME=POLICY  as for 'run': Environment=MPTCPKIT_SOCKOPTS\n");
	else
		fprintf(f, "Remove what '" PROG_NAME " enable UNIT' added.\n");
	fprintf(f, "  --root DIR       operate on the tree under DIR (also SYSTEMD_ROOT);\n"
		   "                   systemd is then not reloaded\n"
		   "Restart the service for the change to take effect.\n");
}

static int parse_root(struct enable_args *a, const char *dir)
{
	if (!dir || !*dir || !strcmp(dir, "/"))
		return 0;
	if (!realpath(dir, a->rootbuf))
		return fail("--root %s: %s", dir, strerror(errno));
	a->root = a->rootbuf;
	return 0;
}

/* Checked like run's, gathered for the drop-in's MPTCPKIT_SOCKOPTS. */
static int add_sockopt(struct enable_args *a, const char *item)
{
	size_t n = strlen(a->sockopts);

	if (run_sockopt_check("enable", item) < 0)
		return 2;
	if (n + strlen(item) + 2 > sizeof(a->sockopts))
		return fail("enable: too many --sockopt");
	snprintf(a->sockopts + n, sizeof(a->sockopts) - n, "%s%s", n ? "," : "", item);
	return 0;
}

static int parse_enable_args(int argc, char **argv, struct enable_args *a)
{
	int i, ret = parse_root(a, getenv("SYSTEMD_ROOT"));

	for (i = 1; i < argc && !ret; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			ret = parse_root(a, argv[++i]);
		else if (!strcmp(argv[i], "--sockopt") && i + 1 < argc && !strcmp(argv[0], "enable"))
			ret = add_sockopt(a, argv[++i]);
		else if (!strcmp(argv[i], "--mode") && i + 1 < argc && !strcmp(argv[0], "enable")) {
			i++;
			if (!strcmp(argv[i], "preload"))
				a->mode = RUN_PRELOAD;
			else if (!strcmp(argv[i], "seccomp"))
				a->mode = RUN_SECCOMP;
			else if (strcmp(argv[i], "auto"))
				return fail("%s: unknown mode '%s'", argv[0], argv[i]);
		} else if (argv[i][0] == '-' || a->unit)
			return fail("%s: unexpected argument '%s' (try '" PROG_NAME " %s --help')",
				    argv[0], argv[i], argv[0]);
		else
			a->unit = argv[i];
	}
	if (ret)
		return ret;
	if (!a->unit)
		return fail("%s: no unit given (try '" PROG_NAME " %s --help')", argv[0], argv[0]);
	if (unit_name_normalize(a->unit, a->unitbuf, sizeof(a->unitbuf)) < 0)
		return fail("%s: '%s' is not a unit name", argv[0], a->unit);
	a->unit = a->unitbuf;
	return 0;
}

/* systemd reads units again only when told. */
static bool daemon_reload(const char *root)
{
	int status;
	pid_t pid;

	if (root[0]) {
		fprintf(stderr, PROG_NAME ": note: --root given: systemd not reloaded\n");
		return false;
	}
	if (access("/run/systemd/system", F_OK) != 0) {
		fprintf(stderr, PROG_NAME ": note: systemd is not running here: not reloaded\n");
		return false;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execlp("systemctl", "systemctl", "daemon-reload", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, PROG_NAME ": warning: 'systemctl daemon-reload' failed: run it yourself\n");
		return false;
	}
	return true;
}

static void print_result(const char *verb, const struct enable_args *a, const char *mode,
			 bool reloaded)
{
	char dir[4096], file[4200];

	dropin_paths(a->root, a->unit, dir, sizeof(dir), file, sizeof(file));
	print_open_object(NULL);
	print_string("unit", "%s ", a->unit);
	print_string("action", "%s", verb);
	if (mode)
		print_string("mode", " (%s)", mode);
	print_string("dropin", ": %s\n", file);
	print_bool("reloaded", NULL, reloaded);
	print_close_object();
}

int cmd_enable(int argc, char **argv)
{
	struct enable_args a = { .root = "", .mode = RUN_AUTO };
	struct unit_info u;
	char *body = NULL;
	int ret;

	if (wants_help(argc, argv)) {
		enable_usage(stdout, argv[0]);
		return 0;
	}
	ret = parse_enable_args(argc, argv, &a);
	if (ret)
		return ret;
	ret = unit_load(a.root, a.unit, &u);
	if (ret == -ENOENT)
		return fail("enable: unit %s not found in /etc, /run, /lib or /usr/lib "
			    "systemd/system%s%s", a.unit, a.root[0] ? " under " : "", a.root);
	if (ret < 0)
		return fail("enable: cannot read %s: %s", u.path, strerror(-ret));
	if (a.mode == RUN_AUTO)
		a.mode = enable_choose_mode(&u, a.root);
	ret = dropin_compose(&u, a.mode, &body);
	if (!ret && a.sockopts[0])
		ret = dropin_add_sockopts(&body, a.sockopts);
	if (!ret)
		ret = dropin_write(a.root, a.unit, body);
	free(body);
	unit_info_free(&u);
	if (ret == -EEXIST)
		return fail("enable: %s.d/" DROPIN_NAME " exists and was not written by "
			    PROG_NAME ": not replacing it", a.unit);
	if (ret == 1)
		return 1;
	if (ret < 0)
		return fail("enable: cannot write the drop-in: %s", strerror(-ret));
	print_result("enabled", &a, a.mode == RUN_SECCOMP ? "seccomp" : "preload",
		     daemon_reload(a.root));
	return 0;
}

int cmd_disable(int argc, char **argv)
{
	struct enable_args a = { .root = "", .mode = RUN_AUTO };
	int ret;

	if (wants_help(argc, argv)) {
		enable_usage(stdout, argv[0]);
		return 0;
	}
	if (parse_enable_args(argc, argv, &a))
		return 1;
	ret = dropin_remove(a.root, a.unit);
	if (ret == -ENOENT) {
		fprintf(stderr, PROG_NAME ": note: %s was not enabled: nothing to do\n", a.unit);
		return 0;
	}
	if (ret == -EPERM)
		return fail("disable: %s.d/" DROPIN_NAME " was not written by " PROG_NAME
			    ": not removing it", a.unit);
	if (ret < 0)
		return fail("disable: cannot remove the drop-in: %s", strerror(-ret));
	print_result("disabled", &a, NULL, daemon_reload(a.root));
	return 0;
}
