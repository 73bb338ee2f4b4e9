// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lab's router topology (see lab.h): a plain TCP client, a router
 * whose paths lead to a far end, a plain TCP server behind it, and the
 * proxy pair that carries the client's TCP over MPTCP on every path:
 * 'mptcpkit proxy transparent' on the router (nft REDIRECT of what comes
 * in on "lan"), 'mptcpkit proxy socks' on the far end. The proxies belong
 * to the lab, not to 'lab up': they are started detached (their own
 * session, no parent-death signal) and stopped by 'lab down'.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"

#define START_WAIT_TICKS 100	/* of 50 ms: 5 s for a proxy to listen */

static void tick(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* A veth between two namespaces, dev the same name in both, addresses up. */
static int link_pair(const char *ns1, const char *addr1, const char *ns2, const char *addr2,
		     const char *dev)
{
	char a1[32], a2[32];

	snprintf(a1, sizeof(a1), "%s/24", addr1);
	snprintf(a2, sizeof(a2), "%s/24", addr2);
	if (lab_run(NULL, "ip", "-n", ns1, "link", "add", dev, "type", "veth", "peer", "name",
		    dev, "netns", ns2, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns1, "addr", "add", a1, "dev", dev, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns2, "addr", "add", a2, "dev", dev, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns1, "link", "set", dev, "up", NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", ns2, "link", "set", dev, "up", NULL) < 0)
		return -EIO;
	return 0;
}

/* The client reaches everything through the router (whose nft redirects
 * it to the proxy); the server answers through the far end. */
int lab_router_build(struct lab *lab)
{
	if (link_pair(lab->client_ns, LAB_LAN_CLIENT, lab->router_ns, LAB_LAN_ROUTER, "lan") < 0 ||
	    link_pair(lab->far_ns, LAB_WAN_FAR, lab->server_ns, LAB_WAN_SERVER, "wan") < 0)
		return -EIO;
	if (lab_run(NULL, "ip", "-n", lab->client_ns, "route", "add", "default", "via",
		    LAB_LAN_ROUTER, NULL) < 0 ||
	    lab_run(NULL, "ip", "-n", lab->server_ns, "route", "add", "default", "via",
		    LAB_WAN_FAR, NULL) < 0)
		return -EIO;
	return 0;
}

void lab_router_log(const struct lab *lab, bool far, char *buf, size_t len)
{
	snprintf(buf, len, LAB_STATE_DIR "/lab-%s-%s.log", lab->name, far ? "far" : "router");
}

/* In the intermediate child: a grandchild in ns runs argv with stdout and
 * stderr to log, in a session of its own; its pid goes up the pipe. */
static void __attribute__((noreturn)) detach(const char *ns, char *const argv[], int log,
					     int pipe_w)
{
	pid_t pid;

	setsid();
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (lab_enter_ns(ns) < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    dup2(log, STDOUT_FILENO) < 0 || dup2(log, STDERR_FILENO) < 0) {
			dprintf(log, "cannot start in %s: %s\n", ns, strerror(errno));
			_exit(126);
		}
		execv(argv[0], argv);
		/* The first line of the log is what 'lab up' tells (start_failed). */
		dprintf(log, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	_exit(write(pipe_w, &pid, sizeof(pid)) == sizeof(pid) && pid > 0 ? 0 : 1);
}

int lab_spawn_detached(const char *ns, char *const argv[], const char *log_path,
			  pid_t *out)
{
	int p[2], log, status;
	pid_t mid, pid = 0;
	ssize_t n;

	log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(log);
		return -errno;
	}
	mid = fork();
	if (mid == 0)
		detach(ns, argv, log, p[1]);
	close(p[1]);
	close(log);
	n = mid > 0 ? read(p[0], &pid, sizeof(pid)) : -1;
	close(p[0]);
	if (mid > 0)
		waitpid(mid, &status, 0);
	if (n != sizeof(pid) || pid <= 0)
		return mid < 0 ? -errno : -ECHILD;
	*out = pid;
	return 0;
}

/* Wait until ns listens on port, while pid lives; 0, -ECHILD, -ETIMEDOUT. */
static int wait_listening(const char *ns, int port, pid_t pid)
{
	for (int i = 0; i < START_WAIT_TICKS; i++) {
		if (lab_listening(ns, port))
			return 0;
		if (kill(pid, 0) < 0 || !lab_pid_in_ns(pid, ns))
			return -ECHILD;
		tick(50);
	}
	return -ETIMEDOUT;
}

const char *lab_router_socks(char buf[LAB_LISTEN_LEN])
{
	char addr[LAB_ADDR_LEN];

	snprintf(buf, LAB_LISTEN_LEN, "%s:%d", lab_path_addr(1, LAB_SERVER, addr), LAB_SOCKS_PORT);
	return buf;
}

static int start_far(struct lab *lab, const char *self)
{
	char listen[LAB_LISTEN_LEN], log[256];
	char *argv[] = { (char *)self, "-j", "proxy", "socks", "--listen", listen,
			 "--allow", "10.0.0.0/16", "--drain-timeout", "1", NULL };
	int ret;

	lab_router_socks(listen);
	lab_router_log(lab, true, log, sizeof(log));
	ret = lab_spawn_detached(lab->far_ns, argv, log, &lab->far_pid);
	return ret < 0 ? ret : wait_listening(lab->far_ns, LAB_SOCKS_PORT, lab->far_pid);
}

static int start_router(struct lab *lab, const char *self)
{
	char listen[LAB_LISTEN_LEN], via[LAB_LISTEN_LEN], log[256];
	char *argv[] = { (char *)self, "-j", "proxy", "transparent", "--listen", listen,
			 "--via", via, "--allow", "10.1.0.0/24", "--iif", "lan",
			 "--install-rules", "--drain-timeout", "1", NULL };
	int ret;

	snprintf(listen, sizeof(listen), LAB_LAN_ROUTER ":%d", LAB_PROXY_PORT);
	lab_router_socks(via);
	lab_router_log(lab, false, log, sizeof(log));
	ret = lab_spawn_detached(lab->router_ns, argv, log, &lab->router_pid);
	return ret < 0 ? ret : wait_listening(lab->router_ns, LAB_PROXY_PORT, lab->router_pid);
}

/* A proxy that did not come up: -EIO, and lab_error() tells which and
 * the first line of its log (its own words, e.g. a port in use). */
static int start_failed(const struct lab *lab, bool far, int err)
{
	char path[256], line[256];

	lab_router_log(lab, far, path, sizeof(path));
	lab_log_first_line(path, err, line, sizeof(line));
	lab_error_set("proxy %s in %s: %s", far ? "socks" : "transparent",
		      far ? lab->far_ns : lab->router_ns, line);
	return -EIO;
}

/* The proxies are this very program: /proc/self/exe. Their -j logs live
 * beside the state file. */
int lab_router_start(struct lab *lab)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int ret;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	ret = start_far(lab, self);
	if (ret < 0)
		return start_failed(lab, true, ret);
	ret = start_router(lab, self);
	return ret < 0 ? start_failed(lab, false, ret) : 0;
}

/* Asked from a child that entered the namespace: /proc/self/net is per
 * network namespace. MPTCP listeners are in /proc/net/tcp too. */
static bool listening_in(const char *file, int port)
{
	unsigned int lport, state;
	char line[512];
	bool found = false;
	FILE *f = fopen(file, "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", &lport, &state) == 2)
			found = lport == (unsigned int)port && state == 0x0A;
	}
	if (f)
		fclose(f);
	return found;
}

bool lab_listening(const char *ns, int port)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (lab_enter_ns(ns) < 0)
			_exit(2);
		_exit(listening_in("/proc/self/net/tcp", port) ||
		      listening_in("/proc/self/net/tcp6", port) ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* SIGTERM pid if it still is the proxy in ns (a PID may be reused). */
static bool term(pid_t pid, const char *ns)
{
	if (!lab_pid_in_ns(pid, ns))
		return false;
	kill(pid, SIGTERM);
	return true;
}

void lab_router_stop(const struct lab *lab)
{
	bool r = term(lab->router_pid, lab->router_ns);
	bool f = term(lab->far_pid, lab->far_ns);

	for (int i = 0; (r || f) && i < 20; i++) {
		r = r && lab_pid_in_ns(lab->router_pid, lab->router_ns);
		f = f && lab_pid_in_ns(lab->far_pid, lab->far_ns);
		tick(50);
	}
}
