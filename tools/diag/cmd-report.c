// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit report: one tar archive for a bug report, with what mptcpd's
 * mptcp-get-debug collects, plus mptcpkit's own views; nothing secret (no
 * payload, no environment). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "mptcpkit.h"
#include "commands.h"
#include "print.h"
#include "report.h"
#include "util.h"

#define DIR_NAME "mptcpkit-report"
#define FILE_MAX (1u << 20)

static const char usage[] =
	"Usage: " PROG_NAME " report [-o FILE] [--monitor SECONDS]\n"
	"One tar archive for a bug report: uname, os-release, the net.mptcp sysctls,\n"
	"the MPTcpExt counters (raw and explained), endpoints, limits, check -j,\n"
	"ss -j and SECONDS (default 3, 0-60) of monitor -j. No payload and no\n"
	"environment goes in it. FILE: default mptcpkit-report-DATE-TIME.tar here;\n"
	"'-' writes the archive to stdout.\n";

static const char readme[] =
	"mptcpkit report: the state of MPTCP on one host, for a bug report.\n"
	"  version.txt          mptcpkit's version and when this was made\n"
	"  uname.txt, os-release the kernel and the distribution\n"
	"  sysctl-net.mptcp.txt every net.mptcp sysctl\n"
	"  netstat-MPTcpExt.txt the MPTcpExt counters (mptcpkit counters --file reads it)\n"
	"  *.json               mptcpkit -j check, ss -a, counters -a, endpoint show,\n"
	"                       limits show, and monitor (one event per line)\n"
	"  commands.txt         each command and how it ended\n"
	"Commands ran with only PATH and LC_ALL set; only their stdout is kept.\n";

struct step {
	const char *file;
	const char *args[4];
};

static const struct step steps[] = {
	{ "check.json", { "check" } },
	{ "ss.json", { "ss", "-a" } },
	{ "counters.json", { "counters", "-a" } },
	{ "endpoints.json", { "endpoint", "show" } },
	{ "limits.json", { "limits", "show" } },
};

static int add_uname(struct report *r)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	return report_add_text(r, "uname.txt", "%s %s %s %s %s\n", u.sysname, u.nodename,
			       u.release, u.version, u.machine);
}

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int add_sysctls(struct report *r)
{
	struct dirent **names;
	int n = scandir("/proc/sys/net/mptcp", &names, only_files, alphasort);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		char path[300], val[256] = "";
		FILE *in;

		snprintf(path, sizeof(path), "/proc/sys/net/mptcp/%s", names[i]->d_name);
		if ((in = fopen(path, "re"))) {
			if (!fgets(val, sizeof(val), in))
				val[0] = '\0';
			fclose(in);
		}
		val[strcspn(val, "\n")] = '\0';
		fprintf(f, "net.mptcp.%s = %s\n", names[i]->d_name, val);
		free(names[i]);
	}
	if (n < 0)
		fprintf(f, "(no /proc/sys/net/mptcp: %s)\n", strerror(errno));
	else
		free(names);
	fclose(f);
	return report_add(r, "sysctl-net.mptcp.txt", text, len);
}

/* The MPTcpExt lines of /proc/net/netstat. */
static int add_netstat(struct report *r)
{
	FILE *in = fopen("/proc/net/netstat", "re");
	char *text = NULL, line[8192];
	size_t len = 0;
	FILE *f;

	if (!in)
		return report_add_text(r, "netstat-MPTcpExt.txt", "(unreadable: %s)\n",
				       strerror(errno));
	f = open_memstream(&text, &len);
	if (!f) {
		fclose(in);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), in))
		if (!strncmp(line, "MPTcpExt:", 9))
			fputs(line, f);
	fclose(in);
	fclose(f);
	return report_add(r, "netstat-MPTcpExt.txt", text, len);
}

static void describe_status(FILE *log, const char *file, char *const argv[], int status,
			    int stopped)
{
	fprintf(log, "%-16s", file);
	for (int i = 1; argv[i]; i++)
		fprintf(log, " %s", argv[i]);
	if (stopped)
		fprintf(log, ": stopped after its time, as planned\n");
	else if (WIFEXITED(status))
		fprintf(log, ": exit %d\n", WEXITSTATUS(status));
	else
		fprintf(log, ": killed by signal %d\n", WTERMSIG(status));
}

/* mptcpkit -j ARGS... into FILE, noted in log. */
static int add_self(struct report *r, FILE *log, const char *self, const char *file,
		    const char *const *args, double seconds)
{
	char *argv[8] = { (char *)self, "-j" };
	int status = 0, stopped = 0, n = 2, ret;

	for (int i = 0; args[i] && n < 7; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	ret = report_add_command(r, file, argv, seconds, &status, &stopped);
	if (ret < 0)
		fprintf(log, "%-16s could not run: %s\n", file, strerror(-ret));
	else
		describe_status(log, file, argv, status, stopped);
	return ret == -ENOMEM ? ret : 0;
}

static int gather(struct report *r, long monitor_s)
{
	static const char *const monitor[] = { "monitor", NULL };
	char self[4096], *log_text = NULL, when[64];
	size_t log_len = 0;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	time_t now = time(NULL);
	struct tm tm;
	FILE *log;
	int ret;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
	ret = report_add_text(r, "version.txt", PROG_NAME " %s, report made %s\n",
			      mpk_version(), when);
	if (ret == 0)
		ret = report_add_text(r, "README.txt", "%s", readme);
	if (ret == 0 && add_uname(r) == -ENOMEM)
		ret = -ENOMEM;
	if (ret == 0 && report_add_file(r, "os-release", "/etc/os-release", FILE_MAX) < 0)
		report_add_file(r, "os-release", "/usr/lib/os-release", FILE_MAX);
	if (ret == 0)
		ret = add_sysctls(r);
	if (ret == 0)
		ret = add_netstat(r);
	log = open_memstream(&log_text, &log_len);
	if (!log)
		return -ENOMEM;
	for (size_t i = 0; ret == 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
		ret = add_self(r, log, self, steps[i].file, steps[i].args, 10);
	if (ret == 0 && monitor_s > 0)
		ret = add_self(r, log, self, "monitor.json", monitor, (double)monitor_s);
	fclose(log);
	return ret == 0 ? report_add(r, "commands.txt", log_text, log_len) : (free(log_text), ret);
}

/* The archive into path through a temporary file renamed at the end, so
 * that a failure leaves nothing half-written; "-": stdout. */
static int write_out(const struct report *r, const char *path)
{
	char tmp[4200];
	int fd, ret;

	if (!strcmp(path, "-")) {
		ret = report_write_tar(r, DIR_NAME, STDOUT_FILENO);
		return ret < 0 ? fail("report: writing to stdout: %s", strerror(-ret)) : 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	/* 0600: addresses of connections are in it */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail("report: %s: %s", path, strerror(errno));
	ret = report_write_tar(r, DIR_NAME, fd);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		return fail("report: %s: %s", path, strerror(-ret));
	}
	return 0;
}

static int parse_args(int argc, char **argv, const char **out, long *monitor_s)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			*out = argv[++i];
		} else if (!strcmp(argv[i], "--monitor") && i + 1 < argc) {
			if (parse_long(argv[++i], 0, 60, monitor_s) < 0)
				return fail("report: bad --monitor '%s': expected 0-60 seconds",
					    argv[i]);
		} else {
			return fail("report: unexpected '%s' (try '" PROG_NAME " report --help')",
				    argv[i]);
		}
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct report r = { .n = 0 };
	const char *out = NULL;
	char name[64];
	long monitor_s = 3;
	int ret;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (parse_args(argc, argv, &out, &monitor_s))
		return 1;
	if (!out) {
		time_t now = time(NULL);
		struct tm tm;

		strftime(name, sizeof(name), "mptcpkit-report-%Y%m%d-%H%M%S.tar",
			 localtime_r(&now, &tm));
		out = name;
	}
	ret = gather(&r, monitor_s);
	if (ret < 0) {
		report_free(&r);
		return fail("report: %s", strerror(-ret));
	}
	ret = write_out(&r, out);
	if (ret == 0 && strcmp(out, "-")) {
		print_open_object(NULL);
		print_string("file", "wrote %s", out);
		print_uint("files", " (%" PRIu64 " files)\n", r.n);
		print_close_object();
	}
	report_free(&r);
	return ret;
}
