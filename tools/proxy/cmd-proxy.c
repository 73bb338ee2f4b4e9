// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpkit proxy: TCP <-> MPTCP, as forward, reverse, SOCKS5 or transparent proxy. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/resource.h>

#include "commands.h"
#include "feature-text.h"
#include "print.h"
#include "proxy.h"
#include "util.h"

static const char proxy_usage[] =
	"Usage: " PROG_NAME " [-j] proxy MODE [OPTIONS]\n"
	"       " PROG_NAME " [-j] proxy [MODE] --config FILE [OPTIONS]\n\n"
	"Modes:\n"
	"  forward     --listen ADDR:PORT --to HOST:PORT   accept TCP (and MPTCP),\n"
	"              connect to HOST:PORT over MPTCP (TCP when the peer has none)\n"
	"  reverse     --listen ADDR:PORT --to HOST:PORT   accept MPTCP (and TCP),\n"
	"              connect to a TCP backend\n"
	"  socks       --listen ADDR:PORT [--auth USER:PASS | --auth-file FILE]\n"
	"              [--allow CIDR]...   SOCKS5 (CONNECT), MPTCP both ways\n"
	"  transparent --listen ADDR:PORT --via HOST:PORT [--auth USER:PASS]\n"
	"              [--print-rules | --install-rules] [--iif IFNAME]\n"
	"              take connections nftables redirects here and carry each\n"
	"              over MPTCP to the SOCKS5 server HOST:PORT\n\n"
	"Options:\n"
	"  --listen ADDR:PORT      where to listen (ADDR defaults to 127.0.0.1;\n"
	"                          [::]:PORT or 0.0.0.0:PORT for every address)\n"
	"  --auth USER:PASS        socks: required of clients; transparent: sent upstream\n"
	"  --auth-file FILE        the same, USER:PASS on the first line of FILE\n"
	"  --allow CIDR            only clients from these ranges (repeatable)\n"
	"  --allow-local-dest      socks: allow loopback and link-local destinations\n"
	"  --max-conns N           connections at once (1024, per worker); more are closed\n"
	"  --workers N             N processes sharing the port (SO_REUSEPORT) (1)\n"
	"  --idle-timeout SECS     close a connection idle this long (300)\n"
	"  --connect-timeout SECS  give up connecting upstream after (10)\n"
	"  --handshake-timeout SECS  SOCKS handshake deadline (10)\n"
	"  --drain-timeout SECS    on SIGTERM, wait this long for open connections (10)\n"
	"  --halfclose-hold MS     a half-close onto an MPTCP leg waits at most MS for\n"
	"                          the leg's joins, which the peer refuses after it (1000;\n"
	"                          0: pass it on at once)\n"
	"  --no-splice             copy with read/write instead of splice()\n"
	"  --config FILE           settings as 'name value' lines, names as the flags\n"
	"                          without '--' (and 'mode MODE'); SIGHUP reads it again\n"
	"  --print-rules           transparent: print the nft rules and exit\n"
	"  --install-rules         transparent: add them (own table), remove them on exit\n"
	"  --iif IFNAME            transparent rules: only what comes in on IFNAME\n"
	"  --tproxy                transparent: nft tproxy and IP_TRANSPARENT (no NAT)\n"
	"                          instead of REDIRECT\n"
	"  -j, --json              one JSON line per connection\n\n"
	"A non-loopback socks listener needs --auth or --allow; a transparent one\n"
	"needs --allow. Each connection ends with one line: client, destination,\n"
	"bytes each way, duration, MPTCP or the reason not on both legs, subflows.\n";

struct proxy_cli {
	int argc;
	char **argv;
	bool print_rules, install_rules;
};

static int bad_setting(const char *name, const char *value, int err)
{
	if (err == -ENOENT && !value)
		return fail("proxy: unknown option '--%s' (try '" PROG_NAME " proxy --help')", name);
	if (err == -E2BIG)
		return fail("proxy: too many --%s", name);
	if (err != -EINVAL)
		return fail("proxy: --%s %s: %s", name, value ? value : "", strerror(-err));
	return fail("proxy: bad value for --%s: '%s'", name, value ? value : "");
}

static int load_file(struct proxy_config *cfg, const char *path)
{
	int line, err = proxy_config_load(cfg, path, &line);

	if (err == -ENOENT && line > 0)
		return fail("proxy: %s line %d: unknown setting", path, line);
	if (err && line > 0)
		return fail("proxy: %s line %d: bad setting", path, line);
	if (err)
		return fail("proxy: reading %s: %s", path, strerror(-err));
	return 0;
}

/* One "--name [value]" at argv[*i]; 0, or 1 after a message. */
static int parse_flag(struct proxy_config *cfg, struct proxy_cli *cli, int *i)
{
	const char *name = cli->argv[*i] + 2, *value = NULL;
	int takes, err;

	if (!strcmp(name, "print-rules"))
		return cli->print_rules = true, 0;
	if (!strcmp(name, "install-rules"))
		return cli->install_rules = true, 0;
	takes = !strcmp(name, "config") ? 1 : proxy_config_takes_value(name);
	if (takes < 0)
		return bad_setting(name, NULL, takes);
	if (takes) {
		if (*i + 1 >= cli->argc)
			return fail("proxy: --%s needs a value", name);
		value = cli->argv[++*i];
	}
	if (!strcmp(name, "config"))
		return load_file(cfg, value);
	err = proxy_config_set(cfg, name, value);
	return err ? bad_setting(name, value, err) : 0;
}

static int parse(struct proxy_config *cfg, struct proxy_cli *cli)
{
	proxy_config_init(cfg);
	cli->print_rules = cli->install_rules = false;
	for (int i = 1; i < cli->argc; i++) {
		const char *a = cli->argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			print_set_json(true);
		} else if (!strncmp(a, "--", 2)) {
			if (parse_flag(cfg, cli, &i))
				return 1;
		} else if (i == 1 && proxy_config_set(cfg, "mode", a) == 0) {
			continue;
		} else {
			return fail("proxy: unknown mode or argument '%s' (forward, reverse, socks, transparent)", a);
		}
	}
	return 0;
}

static int check(const struct proxy_config *cfg, const struct proxy_cli *cli)
{
	int err;

	if (!cfg->mode_set)
		return fail("proxy: which mode? forward, reverse, socks or transparent");
	err = proxy_config_check(cfg);
	if (err == -EINVAL)
		return fail("proxy: --listen ADDR:PORT is needed");
	if (err == -EDESTADDRREQ)
		return fail("proxy %s: --%s HOST:PORT is needed", proxy_mode_name(cfg->mode),
			    cfg->mode == PROXY_TRANSPARENT ? "via" : "to");
	if (err == -EOPNOTSUPP)
		return fail("proxy transparent: --workers is not for --tproxy (one IP_TRANSPARENT listener)");
	if (err == -EACCES)
		return fail("proxy %s: listening on %s for anyone: give %s (or listen on loopback)",
			    proxy_mode_name(cfg->mode), cfg->listen_host,
			    cfg->mode == PROXY_SOCKS ? "--auth or --allow CIDR" : "--allow CIDR");
	if ((cli->print_rules || cli->install_rules) && cfg->mode != PROXY_TRANSPARENT)
		return fail("proxy: --print-rules and --install-rules are for transparent mode");
	return 0;
}

/* The connection lines of one wake-up go out in one write (the loop
 * calls this after each), but never more than LOG_FLUSH_AT bytes at once:
 * a write to a pipe of up to PIPE_BUF (4096) bytes is not mixed with
 * other writers' (the other workers share stdout), and stdio never
 * writes part of a line. A line is far shorter than the margin. */
#define LOG_BUF 8192
#define LOG_FLUSH_AT 3072
static char log_buf[LOG_BUF];

static void log_setup(void)
{
	setvbuf(stdout, log_buf, _IOFBF, sizeof(log_buf));
}

static void log_flush(void *arg)
{
	(void)arg;
	fflush(stdout);
}

/* Before 5.16 an MPTCP leg's subflows cannot be counted (MPTCP_INFO):
 * '?' (null), said once at the start, rather than 1. */
static bool subflows_countable = true;

static void print_leg(const char *side, bool known, const struct mpk_status *st,
		      unsigned int subflows)
{
	char key[32];

	if (!known)
		return;
	snprintf(key, sizeof(key), "%s_mptcp", side);
	print_bool(key, NULL, st->mptcp);
	snprintf(key, sizeof(key), "%s_reason", side);
	print_string(key, NULL, mpk_reason_name(st->reason));
	snprintf(key, sizeof(key), "%s_subflows", side);
	if (st->mptcp && !subflows_countable) {
		print_null(key, NULL);
		print_text(" %s mptcp/?", side);
		return;
	}
	print_uint(key, NULL, subflows);
	print_text(" %s %s/%u", side, st->mptcp ? "mptcp" : mpk_reason_name(st->reason), subflows);
}

/* Every worker decides; the first process says it. */
static void note_uncountable(bool say)
{
	char text[200];

	subflows_countable = mpk_feature_probe(MPK_FEATURE_MPTCP_INFO) != 0;
	if (!subflows_countable && say)
		fprintf(stderr, PROG_NAME ": proxy: subflow counts shown as '?': %s\n",
			feature_needs(MPK_FEATURE_MPTCP_INFO, false, text, sizeof(text)));
}

static void conn_done(const struct proxy_report *r, void *arg)
{
	char client[MPK_ADDRSTRLEN], up[MPK_ADDRSTRLEN];
	bool code = r->end == PROXY_END_UPSTREAM_REFUSED || r->end == PROXY_END_UNSUPPORTED;

	(void)arg;
	if (__fpending(stdout) > LOG_FLUSH_AT)
		fflush(stdout);
	mpk_addr_format((const struct sockaddr *)&r->client, client, sizeof(client));
	print_open_object(NULL);
	print_string("event", NULL, "conn");
	print_string("client", "conn %s", client);
	print_string("dest", " -> %s", r->dest[0] ? r->dest : "-");
	if (r->upstream.ss_family)
		print_string("upstream", " via %s",
			     mpk_addr_format((const struct sockaddr *)&r->upstream, up, sizeof(up)));
	print_string("end", " %s", proxy_end_name(r->end));
	if (code)
		print_uint("code", " code %u", (unsigned int)r->error);
	else if (r->error)
		print_string("error", " (%s)", strerror(r->error));
	print_uint("bytes_up", " up %llu", r->bytes_up);
	print_uint("bytes_down", " down %llu", r->bytes_down);
	print_uint("duration_ms", " ms %llu", r->duration_ms);
	print_leg("client", r->client_known, &r->client_st, r->client_subflows);
	print_leg("upstream", r->upstream_known, &r->upstream_st, r->upstream_subflows);
	print_bool("splice", NULL, r->spliced);
	print_text("\n");
	print_close_object();
}

static int reload(struct proxy_config *cfg, void *arg)
{
	struct proxy_cli *cli = arg;
	struct proxy_cli again = *cli;

	if (parse(cfg, &again) || proxy_config_check(cfg))
		return -EINVAL;
	return 0;
}

static void reloaded(int err, void *arg)
{
	(void)arg;
	if (err)
		fail("proxy: reload: bad settings, the old ones stay");
	print_open_object(NULL);
	print_string("event", "reload", "reload");
	print_bool("ok", " %s\n", err == 0);
	print_close_object();
}

static void print_listening(const struct proxy_config *cfg, int port, const struct mpk_status *st)
{
	print_open_object(NULL);
	print_string("event", NULL, "listening");
	print_string("mode", "proxy %s", proxy_mode_name(cfg->mode));
	print_string("listen", " listening on %s", cfg->listen_host);
	print_uint("port", " port %llu", (unsigned int)port);
	print_bool("mptcp", NULL, st->mptcp);
	print_string("reason", " (%s)\n", st->mptcp ? "mptcp" : mpk_reason_name(st->reason));
	print_close_object();
	fflush(stdout);
}

static int print_rules(const struct proxy_config *cfg)
{
	char buf[512];
	long port;

	if (parse_long(cfg->listen_port, 1, 65535, &port))
		return fail("proxy: --print-rules needs a fixed --listen port");
	proxy_nft_rules(cfg, (int)port, buf, sizeof(buf));
	fputs(buf, stdout);
	return 0;
}

static int install_rules(const struct proxy_config *cfg, int port)
{
	int err = proxy_nft_install(cfg, port);

	if (err == -EEXIST)
		return fail("proxy: nft table inet mptcpkit_proxy_%d exists already: not touching it", port);
	if (err == -ENOENT)
		return fail("proxy: --install-rules: no nft program here (install nftables)");
	if (err)
		return fail("proxy: nft refused the rules (see --print-rules): %s", strerror(-err));
	return 0;
}

/* Two descriptors per connection, four with bulk data: take what the
 * hard limit allows. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int serve(const struct proxy_config *cfg, struct proxy_cli *cli)
{
	struct proxy_hooks hooks = { conn_done, reload, reloaded, cli, log_flush };
	const char *failed = "";
	struct mpk_status st;
	struct proxy *p;
	int err, port, ret = 0;
	bool worker;

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	log_setup();
	err = proxy_open(cfg, &p, &st, &failed);
	if (err && !strcmp(failed, "resolving"))
		return fail("proxy: resolving %s: %s", cfg->to_host, mpk_strerror(err));
	if (err && !strcmp(failed, "starting workers"))
		return fail("proxy: starting workers: %s", mpk_strerror(err));
	if (err)
		return fail("proxy: listening on %s port %s: %s", cfg->listen_host,
			    cfg->listen_port, mpk_strerror(err));
	port = proxy_port(p);
	/* The rules and the "listening" line are the first process's. */
	worker = proxy_is_worker(p);
	if (!worker && cli->install_rules && install_rules(cfg, port)) {
		proxy_close(p);
		return 1;
	}
	if (!worker)
		print_listening(cfg, port, &st);
	note_uncountable(!worker);
	err = proxy_run(p, &hooks);
	if (err)
		ret = fail("proxy: %s", strerror(-err));
	proxy_close(p);
	if (!worker && cli->install_rules && proxy_nft_remove(cfg, port))
		ret = fail("proxy: removing nft table inet mptcpkit_proxy_%d failed", port);
	return ret;
}

int cmd_proxy(int argc, char **argv)
{
	struct proxy_cli cli = { argc, argv, false, false };
	struct proxy_config cfg;
	int ret;

	if (wants_help(argc, argv)) {
		fputs(proxy_usage, stdout);
		return 0;
	}
	if (argc < 2)
		return fail("proxy: which mode? forward, reverse, socks or transparent (try '"
			    PROG_NAME " proxy --help')");
	ret = parse(&cfg, &cli) || check(&cfg, &cli);
	if (!ret)
		ret = cli.print_rules ? print_rules(&cfg) : serve(&cfg, &cli);
	explicit_bzero(&cfg, sizeof(cfg));
	return ret;
}
