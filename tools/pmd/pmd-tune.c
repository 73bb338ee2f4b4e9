// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tuning of the namespace for failover, restored at stop (the sysctls are
 * namespace-wide: every TCP socket of the namespace sees them).
 *
 * wmem_max caps the third field of net.ipv4.tcp_wmem, the ceiling of send
 * buffer autotuning. What a dead subflow had queued is sent again on a
 * surviving one *behind* everything the survivor already queued, and a
 * subflow's queue is as large as its send buffer: measured here (6.18,
 * BBR, 2 x 50 Mbit/s), 0.6-1.9 MB per subflow, so a silent cut took up to
 * 0.63 s to recover; with wmem_max 262144 every cut of 12 took <= 0.15 s.
 * The cost: a subflow carries at most about wmem_max / 2 per round trip,
 * so a fixed value must be sized to the paths (2 x rate x RTT of the
 * fastest). The default, auto, does that as it goes (pmd-bufcap.c).
 *
 * rmem_max does the same for net.ipv4.tcp_rmem, for downloads (opt-in):
 * the sender queues on its subflows only what the receiver's MPTCP-level
 * window allows, and the window follows the receive buffer (32 MiB ceiling
 * here). With 524288, the worst of 10 silent cuts of a download went from
 * 0.55 to 0.16 s, the same bytes moved (pmd on the receiver only); the
 * cost is lossy downloads (pmd-rcvwin.c).
 *
 * notsent_lowat sets net.ipv4.tcp_notsent_lowat. Measured on 6.18, MPTCP
 * subflows do not honour it (a subflow kept 650-820 KB unsent with it at
 * 131072, where plain TCP kept 150-200 KB): it only limits plain TCP.
 *
 * rmem_default raises net.ipv4.tcp_rmem's second field, the receive
 * buffer a socket starts with (never lowers it; only that field is saved
 * and put back, so it keeps out of rmem_max's way). With the kernel's
 * 131072, a client's MPTCP-level window held a short download's third
 * flight back while a join came in, and the cut flight left a small
 * segment that the server's Nagle waited on: one round trip more (38 of 40
 * downloads of 95 KB at 20 ms RTT; 1 of 40 with 262144; plain TCP alike
 * either way; bench/short-upstream.md). A buffer is a ceiling, not memory
 * taken: a socket uses it only as data waits in it.
 *
 * checksum (opt-in, --checksum) sets net.mptcp.checksum_enabled to 1
 * (either end asking is enough, RFC 8684 3.3.1): each DSS mapping's data is
 * then checked before it is delivered. On 6.18 a join that gets data at
 * once can have that data delivered at the receiver's ack_seq instead of
 * its own place (bench/upm-damage.md: 6 of 15 uploads damaged with pmd's
 * userspace PM of the time); with checksums the kernel finds the wrong
 * mapping, resets that subflow and sends the data again (0 damaged in 30).
 * Not the default: it cost a round trip on short downloads (95 KB at 20 ms
 * RTT: 1.21 x TCP against 0.96 without, 12 runs each; bench/RESULTS.md),
 * while bulk goodput over loopback did not move. Before 5.14 the sysctl
 * does not exist: said once.
 *
 * scheduler (opt-in, --scheduler NAME) sets net.mptcp.scheduler, the
 * kernel's packet scheduler for the namespace's connections (6.6+; a name,
 * not a number: checked against the kernel's list before pmd changes
 * anything, pmd-sched.c). Before 6.6 the sysctl does not exist: said once.
 *
 * The values found before pmd are kept in the run file "tune" (lines
 * "sysctl PATH VALUE"), so that after a SIGKILL the next pmd restores the
 * originals, not what the killed one had set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmd.h"
#include "pmd-stats.h"
#include "sysctl.h"

#define VALUE_LEN 64

struct tunable {
	const char *path;	/* under /proc/sys */
	const char *name;	/* as sysctl(8) spells it */
	int field;		/* the whitespace-separated field pmd sets; 0: all */
	const char *why;
	long floor;		/* of auto (pmd-bufcap.c); 0: no auto */
	const char *measure;	/* what auto follows, for the log */
	const char *missing;	/* the kernel may lack it: why, for the log */
	const char *key;	/* in the run file, when two entries share a path */
	bool field_only;	/* saved and restored: its field alone; only raised */
	const char *text;	/* a sysctl whose value is a name: the name asked */
	char saved[VALUE_LEN];	/* the value before pmd, "" when not changed */
	bool is_auto;		/* auto now */
	struct pmd_bufcap cap;
};

static struct tunable tunables[] = {
	{ .path = "net/ipv4/tcp_wmem", .name = "net.ipv4.tcp_wmem", .field = 3,
	  .why = "smaller subflow queues: what a dead path held is sent again sooner",
	  .floor = PMD_WMEM_FLOOR, .measure = "in_flight" },
	{ .path = "net/ipv4/tcp_rmem", .name = "net.ipv4.tcp_rmem", .field = 3,
	  .why = "a smaller window: the peer queues less that a dead path would hold up",
	  .floor = PMD_RMEM_FLOOR, .measure = "rcv_window" },
	{ .path = "net/ipv4/tcp_rmem", .name = "net.ipv4.tcp_rmem", .field = 2,
	  .key = "net/ipv4/tcp_rmem:default", .field_only = true,
	  .why = "a larger first receive window: a short download is not held a round trip" },
	{ .path = "net/ipv4/tcp_notsent_lowat", .name = "net.ipv4.tcp_notsent_lowat",
	  .why = "less unsent data queued per plain TCP socket" },
	{ .path = "net/mptcp/checksum_enabled", .name = "net.mptcp.checksum_enabled",
	  .why = "DSS checksums: data a join maps to a wrong place is sent again, not delivered",
	  .missing = "no DSS checksums on this kernel (before 5.14)" },
	{ .path = "net/mptcp/scheduler", .name = "net.mptcp.scheduler",
	  .why = "--scheduler: the kernel's packet scheduler for this namespace's connections",
	  .missing = PMD_SCHED_MISSING },
};

#define NTUNABLES (sizeof(tunables) / sizeof(tunables[0]))
/* their places in tunables[] */
enum { TUNE_WMEM, TUNE_RMEM, TUNE_RMEM_DEFAULT, TUNE_LOWAT, TUNE_CSUM, TUNE_SCHED };

static const char *file_key(const struct tunable *t)
{
	return t->key ? t->key : t->path;
}

static void saved_line(void *data, const char *line)
{
	char path[64], val[VALUE_LEN];

	(void)data;
	/* the value's fields are separated by tabs: take the rest of the line */
	if (sscanf(line, "sysctl %63s %63[^\n]", path, val) != 2)
		return;
	for (size_t i = 0; i < NTUNABLES; i++) {
		if (!strcmp(file_key(&tunables[i]), path))
			snprintf(tunables[i].saved, VALUE_LEN, "%s", val);
	}
}

static int write_saved(FILE *f, const void *data)
{
	(void)data;
	for (size_t i = 0; i < NTUNABLES; i++) {
		if (tunables[i].saved[0])
			fprintf(f, "sysctl %s %s\n", file_key(&tunables[i]), tunables[i].saved);
	}
	return ferror(f) ? -EIO : 0;
}

static void remove_saved(void)
{
	char path[256];

	if (!pmd_run_file("tune", path, sizeof(path)))
		unlink(path);
}

static void log_value(const struct tunable *t, const char *action,
		      const char *val, const char *why)
{
	pmd_log_begin(action);
	pmd_log_str("sysctl", t->name);
	pmd_log_str("value", val);
	pmd_log_end(why);
}

/* pmd_log_error's line, with the sysctl that failed. */
static void log_failure(const struct tunable *t, const char *action, int err)
{
	pmd_log_begin("error");
	pmd_log_str("failed", action);
	pmd_log_str("sysctl", t->name);
	pmd_log_end(strerror(-err));
}

/* old with its field-th field (1-based) set to n, into out; 0: the whole
 * value is n. -EINVAL when old has fewer fields. */
static int with_field(const char *old, int field, long n, char out[VALUE_LEN])
{
	long f[3];

	if (!field) {
		snprintf(out, VALUE_LEN, "%ld", n);
		return 0;
	}
	if (field > 3 || sscanf(old, "%ld %ld %ld", &f[0], &f[1], &f[2]) != 3)
		return -EINVAL;
	f[field - 1] = n;
	if (f[1] > f[2])	/* the default may not exceed the ceiling */
		f[1] = f[2];
	snprintf(out, VALUE_LEN, "%ld\t%ld\t%ld", f[0], f[1], f[2]);
	return 0;
}

/* What t is to be, from its value old: the name asked, or old with t's
 * field set to n. */
static int new_value(const struct tunable *t, const char *old, long n, char want[VALUE_LEN])
{
	if (t->text) {
		snprintf(want, VALUE_LEN, "%s", t->text);
		return 0;
	}
	return with_field(old, t->field, n, want);
}

/* The field-th field (1-based) of a value, or -1. */
static long field_of(const char *val, int field)
{
	long f[3];

	if (field < 1 || field > 3 || sscanf(val, "%ld %ld %ld", &f[0], &f[1], &f[2]) != 3)
		return -1;
	return f[field - 1];
}

/* Set t's field to n (or its name), keeping the first value found in
 * t->saved; the new value in want ("" when it was already so). 0,
 * -EOPNOTSUPP when the kernel lacks a sysctl it may lack (not logged: said
 * by tune_one), or -errno (logged). */
static int set_value(struct tunable *t, long n, char want[VALUE_LEN])
{
	char old[VALUE_LEN];
	int ret;

	want[0] = '\0';
	ret = sysctl_read(t->path, old, sizeof(old));
	/* said by tune_one; not as -ENOENT, which is also what writing the name
	 * of a scheduler the kernel does not know returns */
	if (ret == -ENOENT && t->missing)
		return -EOPNOTSUPP;
	if (!ret && t->field_only && field_of(old, t->field) >= n)
		return 0;	/* already as large: left as it is */
	if (!ret)
		ret = new_value(t, old, n, want);
	if (!ret && !strcmp(old, want)) {
		want[0] = '\0';
		return 0;
	}
	if (!ret)
		ret = sysctl_write(t->path, want);
	if (ret) {
		log_failure(t, "set-sysctl", ret);
		return ret;
	}
	if (t->saved[0])	/* the original, from a pmd that was killed */
		return 0;
	if (t->field_only)
		snprintf(t->saved, sizeof(t->saved), "%ld", field_of(old, t->field));
	else
		snprintf(t->saved, sizeof(t->saved), "%s", old);
	return 0;
}

static int tune_one(struct tunable *t, long n)
{
	char want[VALUE_LEN];
	int ret;

	if (n < 0)
		return 0;
	ret = set_value(t, n, want);
	if (ret == -EOPNOTSUPP && t->missing) {
		pmd_log_no_sysctl(t->name, t->missing);
		return 0;
	}
	if (!ret && want[0])
		log_value(t, "set-sysctl", want, t->why);
	return ret;
}

static int restore_one(struct tunable *t, const char *why)
{
	char val[VALUE_LEN], now[VALUE_LEN];
	int ret = 0;

	if (!t->saved[0])
		return 0;
	snprintf(val, sizeof(val), "%s", t->saved);
	if (t->field_only) {	/* that field back, the others as they are now */
		ret = sysctl_read(t->path, now, sizeof(now));
		if (!ret)
			ret = with_field(now, t->field, strtol(t->saved, NULL, 10), val);
	}
	if (!ret)
		ret = sysctl_write(t->path, val);
	if (ret)
		log_failure(t, "restore-sysctl", ret);
	else
		log_value(t, "restore-sysctl", val, why);
	t->saved[0] = '\0';
	return ret;
}

/* t's third field as it was before any pmd (a killed one's saved value
 * first); -errno. */
static long ceiling_before(const struct tunable *t)
{
	char val[VALUE_LEN];
	long f[3];
	int ret = 0;

	if (t->saved[0])
		snprintf(val, sizeof(val), "%s", t->saved);
	else
		ret = sysctl_read(t->path, val, sizeof(val));
	if (ret)
		return ret;
	if (sscanf(val, "%ld %ld %ld", &f[0], &f[1], &f[2]) != 3)
		return -EINVAL;
	return f[2];
}

/* The first value asked for t (-1: none): auto starts at its floor. */
static long first_value(struct tunable *t, long asked, const struct pmd_config *cfg)
{
	long ceiling;

	t->is_auto = false;
	if (asked != PMD_BUF_AUTO)
		return asked;
	if (!cfg->health.enabled)	/* no samples to size it by */
		return -1;
	ceiling = ceiling_before(t);
	if (ceiling < 0)
		return ceiling;
	pmd_bufcap_init(&t->cap, t->floor, ceiling);
	t->is_auto = true;
	return t->cap.cur;
}

/* A name asked for a sysctl whose value is a name ("": none), kept in
 * t->text; the number that says so to the others: 0 asked, -1 not. */
static long ask_name(struct tunable *t, const char *name)
{
	t->text = name[0] ? name : NULL;
	return t->text ? 0 : -1;
}

int pmd_tune_start(const struct pmd_config *cfg)
{
	long asked[NTUNABLES] = { cfg->wmem_max, cfg->rmem_max, cfg->rmem_default,
				  cfg->notsent_lowat, cfg->checksum ? 1 : -1,
				  ask_name(&tunables[TUNE_SCHED], cfg->scheduler) };
	long want[NTUNABLES];
	bool any = false;
	int ret = 0;

	pmd_run_file_read("tune", saved_line, NULL);
	for (size_t i = 0; i < NTUNABLES && !ret; i++) {
		want[i] = first_value(&tunables[i], asked[i], cfg);
		if (want[i] < -1)
			ret = (int)want[i];
	}
	for (size_t i = 0; i < NTUNABLES && !ret; i++) {
		if (want[i] < 0)	/* set by a pmd that was killed, not asked now */
			restore_one(&tunables[i], "left by a pmd that was killed");
		ret = tune_one(&tunables[i], want[i]);
		any |= tunables[i].saved[0] != '\0';
	}
	if (!ret && any)
		ret = pmd_run_file_write("tune", write_saved, NULL);
	else if (!ret)
		remove_saved();
	if (ret)
		pmd_tune_stop();
	return ret;
}

static const char *adapt_why(const struct tunable *t, uint64_t need)
{
	if (t != &tunables[TUNE_WMEM])
		return "rmem_max auto: 4 x the largest receive window in use (rate x receive RTT)";
	if (need == PMD_IN_FLIGHT_BACKUP)
		return "wmem_max auto: the kernel's ceiling while a path waits as backup "
		       "(a short send queue would spill onto it)";
	return "wmem_max auto: 4 x the most bytes in flight on one TCP socket";
}

static void adapt_one(struct tunable *t, uint64_t need, uint64_t now_ms)
{
	char want[VALUE_LEN];
	bool first = !t->saved[0];
	long n;

	if (!t->is_auto)
		return;
	n = pmd_bufcap_next(&t->cap, need, now_ms);
	if (!n || set_value(t, n, want) || !want[0])
		return;
	if (first)	/* the original, for the next pmd if this one is killed */
		pmd_run_file_write("tune", write_saved, NULL);
	pmd_log_begin("set-sysctl");
	pmd_log_str("sysctl", t->name);
	pmd_log_str("value", want);
	if (need != PMD_IN_FLIGHT_BACKUP)	/* a measurement: the evidence */
		pmd_log_uint(t->measure, need);
	pmd_log_end(adapt_why(t, need));
}

void pmd_tune_adapt(uint64_t in_flight, uint64_t rcv_window, uint64_t now_ms)
{
	adapt_one(&tunables[TUNE_WMEM], in_flight, now_ms);
	adapt_one(&tunables[TUNE_RMEM], rcv_window, now_ms);
}

int pmd_tune_stop(void)
{
	int ret = 0;

	for (size_t i = 0; i < NTUNABLES; i++) {
		int r;

		tunables[i].is_auto = false;
		r = restore_one(&tunables[i], "pmd stopping");

		if (r && !ret)
			ret = r;
	}
	if (!ret)
		remove_saved();
	return ret;
}
