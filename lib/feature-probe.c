// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mpk_feature_probe(): ask the running kernel, by the probe its row names.
 * Socket options are asked on an unconnected MPTCP socket (older kernels
 * answer EOPNOTSUPP for an option they do not know); sysctls by their file;
 * seccomp's synchronous wake-up in a child that installs a filter which
 * allows everything.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "internal.h"
#include "feature.h"
#include "uapi/mptcp-uapi.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS _IOW('!', 4, __u64)
#endif
#define SYNC_WAKE_UP (1UL << 0) /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP */

int mpk_version_cmp(const char *release, const char *since)
{
	unsigned int a = 0, b = 0, c = 0, d = 0;

	if (sscanf(release, "%u.%u", &a, &b) < 1 || sscanf(since, "%u.%u", &c, &d) < 1)
		return 0;
	if (a != c)
		return a < c ? -1 : 1;
	return b < d ? -1 : b > d;
}

static int probe_version(const char *since)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	return mpk_version_cmp(u.release, since) >= 0;
}

/* An MPTCP socket to ask, or -errno: -ENOPROTOOPT when disabled here. */
static int mptcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);

	if (fd < 0 && (errno == EINVAL || errno == EPROTONOSUPPORT))
		return -ENOSYS; /* no MPTCP: none of its options either */
	return fd < 0 ? -errno : fd;
}

static int probe_socket(void)
{
	int fd = mptcp_socket();

	if (fd == -ENOSYS)
		return 0;
	if (fd == -ENOPROTOOPT)
		return 1; /* built in, disabled in this namespace */
	if (fd < 0)
		return fd;
	close(fd);
	return 1;
}

/* getsockopt(level, name) with a zeroed buffer larger than any of them; the
 * length the kernel wrote into *len. 1, 0 (EOPNOTSUPP: unknown option), or
 * -errno. */
static int ask(int level, int name, socklen_t *len)
{
	struct mpk_uapi_mptcp_info buf[4] = { 0 }; /* FULL_INFO wants its header: big enough */
	int fd = mptcp_socket(), ret = 1;

	if (fd == -ENOSYS)
		return 0;
	if (fd < 0)
		return fd;
	*len = sizeof(buf);
	/* EINVAL: an option the kernel knows, refusing what it was given */
	if (getsockopt(fd, level, name, buf, len) < 0)
		ret = errno == EOPNOTSUPP || errno == ENOPROTOOPT ? 0 : errno == EINVAL ? 1 : -errno;
	close(fd);
	return ret;
}

static int probe_sockopt(int name)
{
	socklen_t len;

	return ask(name == MPK_TCP_IS_MPTCP ? SOL_TCP : SOL_MPTCP, name, &len);
}

/* The byte counters are there when MPTCP_INFO is long enough for them. */
static int probe_info_size(void)
{
	socklen_t len = 0;
	int ret = ask(SOL_MPTCP, MPK_MPTCP_INFO, &len);

	if (ret <= 0)
		return ret; /* no MPTCP_INFO (5.16) means no counters (6.5) either */
	return (mpk_conn_known(len) & MPK_CONN_KNOWN_BYTES) != 0;
}

static int probe_sysctl(const char *path)
{
	char file[128];

	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	if (access(file, F_OK) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

/* In the child: 1 the flag is taken, 0 not, 2 the listener itself failed
 * (no user notification: older than 5.0), 3 cannot tell. System calls only. */
static int seccomp_child(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	long fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 3;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return errno == EINVAL ? 2 : 3;
	if (ioctl((int)fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SYNC_WAKE_UP) == 0)
		return 1;
	return errno == EINVAL || errno == ENOTTY ? 0 : 3;
}

int mpk_probe_seccomp_sync(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(seccomp_child());
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 3)
		return -EPERM;
	return WEXITSTATUS(status) == 1;
}

MPK_EXPORT int mpk_feature_probe(enum mpk_feature f)
{
	const struct mpk_feature_row *r = mpk_feature_row(f);

	if (!r)
		return -EINVAL;
	switch (r->probe) {
	case MPK_PROBE_SOCKET:
		return probe_socket();
	case MPK_PROBE_GENL_FAMILY:
	case MPK_PROBE_GENL_GROUP:
	case MPK_PROBE_GENL_CMD:
		return mpk_probe_genl(r->probe, r->arg);
	case MPK_PROBE_DIAG:
		return mpk_probe_diag();
	case MPK_PROBE_SOCKOPT:
		return probe_sockopt(r->arg);
	case MPK_PROBE_INFO_SIZE:
		return probe_info_size();
	case MPK_PROBE_SYSCTL:
		return probe_sysctl(mpk_feature_sysctl(f));
	case MPK_PROBE_SECCOMP:
		return mpk_probe_seccomp_sync();
	case MPK_PROBE_VERSION:
		return probe_version(r->since);
	}
	return -EINVAL;
}
