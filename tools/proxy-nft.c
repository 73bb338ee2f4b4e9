// SPDX-License-Identifier: GPL-2.0-or-later
/* The nftables rules of the transparent proxy: text, install, remove. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "proxy.h"

extern char **environ;

int proxy_nft_rules(const struct proxy_config *cfg, int port, char *buf, size_t len)
{
	char iif[48] = "";

	if (cfg->rules_iif[0])
		snprintf(iif, sizeof(iif), "iifname \"%s\" ", cfg->rules_iif);
	/* prerouting only: the proxy's own connections (output) are not
	 * redirected, so they cannot loop; the router's own addresses are
	 * left alone. */
	return snprintf(buf, len,
		"table inet mptcpkit_proxy_%d {\n"
		"\tchain prerouting {\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\tfib daddr type local return\n"
		"\t\t%smeta l4proto tcp redirect to :%d\n"
		"\t}\n"
		"}\n", port, iif, port);
}

/* nft with ARGS, TEXT on its standard input (may be NULL), its output
 * discarded. 0, -ENOENT (no nft), -EIO (nft failed). */
static int run_nft(char *const argv[], const char *text)
{
	posix_spawn_file_actions_t fa;
	int fds[2], status, err;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, "nft", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (!err && text && write(fds[1], text, strlen(text)) < 0)
		err = errno;
	close(fds[1]);
	if (err)
		return err == ENOENT ? -ENOENT : -err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static void table_name(int port, char *buf, size_t len)
{
	snprintf(buf, len, "mptcpkit_proxy_%d", port);
}

int proxy_nft_install(const struct proxy_config *cfg, int port)
{
	char rules[512], name[40];
	char *list[] = { "nft", "list", "table", "inet", name, NULL };
	char *load[] = { "nft", "-f", "-", NULL };
	int err;

	table_name(port, name, sizeof(name));
	err = run_nft(list, NULL);
	if (err == 0)
		return -EEXIST;
	if (err == -ENOENT)
		return err;
	proxy_nft_rules(cfg, port, rules, sizeof(rules));
	return run_nft(load, rules);
}

int proxy_nft_remove(int port)
{
	char name[40];
	char *del[] = { "nft", "delete", "table", "inet", name, NULL };

	table_name(port, name, sizeof(name));
	return run_nft(del, NULL);
}
