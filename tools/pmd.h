/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptcpkit pmd: a path-manager daemon that keeps every usable path in use.
 *
 *   pmd-config.c   the configuration (file and defaults)
 *   pmd-rtnl.c     links and addresses, watched over rtnetlink (libmnl)
 *   pmd-policy.c   which address wants which endpoint (pure functions)
 *   pmd-kernel.c   in-kernel PM: endpoints and limits, added and restored
 *   pmd-upm.c      userspace PM: subflows created and destroyed per event
 *   pmd-log.c      one line per action on stderr, text or JSON
 *   pmd-tune.c     opt-in tcp_notsent_lowat, restored at stop
 *   pmd-run.c      the daemon loop and the clean stop
 *   cmd-pmd.c      the command line
 */
#ifndef MPTCPKIT_PMD_H
#define MPTCPKIT_PMD_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PMD_DEFAULT_CONFIG "/etc/mptcpkit/pmd.conf"
#define PMD_IF_MAX 32	/* interfaces named in one list */
#define PMD_LINKS_MAX 64
#define PMD_ADDRS_MAX 64
#define PMD_LIMIT_MAX 8	/* the kernel's MPTCP_PM_ADDR_MAX */

/* Endpoint flags, with the values of the kernel's MPTCP_PM_ADDR_FLAG_*. */
#define PMD_FLAG_SIGNAL 0x1
#define PMD_FLAG_SUBFLOW 0x2
#define PMD_FLAG_BACKUP 0x4
#define PMD_FLAG_FULLMESH 0x8
#define PMD_FLAG_KNOWN 0xf

enum pmd_mode { PMD_MODE_CLIENT, PMD_MODE_SERVER };
enum pmd_pm { PMD_PM_KERNEL, PMD_PM_USERSPACE };

/* What to do with an endpoint whose link lost its carrier. */
enum pmd_down { PMD_DOWN_REMOVE, PMD_DOWN_BACKUP };

/* Per-interface settings from a [interface NAME] section. */
struct pmd_ifconf {
	char name[IF_NAMESIZE];
	int flags;	/* -1: from the mode */
	int backup;	/* -1: not said, 0 no, 1 yes */
	int use;	/* -1: not said, 0 exclude, 1 include */
};

struct pmd_iflist {
	char name[PMD_IF_MAX][IF_NAMESIZE];
	int count;
};

struct pmd_config {
	enum pmd_mode mode;
	enum pmd_pm pm;
	enum pmd_down down;
	struct pmd_iflist only;		/* empty: every interface */
	struct pmd_iflist exclude;
	struct pmd_iflist backup;
	struct pmd_ifconf ifs[PMD_IF_MAX];
	int nifs;
	int subflows;		/* -1: match the endpoints */
	int add_addr_accepted;	/* -1: match the endpoints */
	long notsent_lowat;	/* -1: leave net.ipv4.tcp_notsent_lowat alone */
	bool verbose;
};

/* pmd-config.c */
void pmd_config_init(struct pmd_config *cfg);
/* Parse a configuration; 0, or -EINVAL with "LINE: why" in err. */
int pmd_config_parse(struct pmd_config *cfg, FILE *f, char *err, size_t errlen);
int pmd_config_parse_string(struct pmd_config *cfg, const char *text,
			    char *err, size_t errlen);
/* Read path; a missing file is fine when !required. 0 or -errno. */
int pmd_config_load(struct pmd_config *cfg, const char *path, bool required,
		    char *err, size_t errlen);
/* "a,b,c" into a list (appended); 0 or -EINVAL. */
int pmd_iflist_parse(struct pmd_iflist *list, const char *s);
bool pmd_iflist_has(const struct pmd_iflist *list, const char *name);
/* "subflow,backup" into PMD_FLAG_*; 0 or -EINVAL. */
int pmd_flags_parse(const char *s, int *flags);
/* PMD_FLAG_* as "subflow,backup" ("none" for 0). */
const char *pmd_flags_format(int flags, char *buf, size_t len);
const struct pmd_ifconf *pmd_config_if(const struct pmd_config *cfg,
				       const char *ifname);

/* An address of the host, IPv4 or IPv6. */
struct pmd_ip {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct pmd_link {
	unsigned int ifindex;
	char name[IF_NAMESIZE];
	unsigned int flags;	/* IFF_* */
};

struct pmd_addr {
	struct pmd_ip ip;
	unsigned int ifindex;
	uint32_t ifa_flags;	/* IFA_F_* */
	uint8_t scope;
};

/* What rtnetlink told us about links and addresses. */
struct pmd_net {
	struct pmd_link links[PMD_LINKS_MAX];
	int nlinks;
	struct pmd_addr addrs[PMD_ADDRS_MAX];
	int naddrs;
};

/* pmd-rtnl.c */
struct pmd_rtnl;
int pmd_rtnl_open(struct pmd_rtnl **out);
void pmd_rtnl_close(struct pmd_rtnl *rt);
int pmd_rtnl_fd(const struct pmd_rtnl *rt);
/* Fill net from a full dump; 0 or -errno. */
int pmd_rtnl_dump(struct pmd_rtnl *rt, struct pmd_net *net);
/* Apply pending notifications; 1 if net changed, 0 if not, -errno.
 * On an overrun (-ENOBUFS) it dumps again. */
int pmd_rtnl_read(struct pmd_rtnl *rt, struct pmd_net *net);
const struct pmd_link *pmd_net_link(const struct pmd_net *net,
				    unsigned int ifindex);

/* pmd-policy.c: the endpoint an address should have. */
struct pmd_want {
	struct pmd_ip ip;
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	int flags;
};
/* Why an address is not used, or NULL when it is. */
const char *pmd_addr_unusable(const struct pmd_config *cfg,
			      const struct pmd_net *net,
			      const struct pmd_addr *addr);
/* Every usable address with its flags; returns the count. */
int pmd_wanted(const struct pmd_config *cfg, const struct pmd_net *net,
	       struct pmd_want *out, int max);
bool pmd_ip_equal(const struct pmd_ip *a, const struct pmd_ip *b);
const char *pmd_ip_format(const struct pmd_ip *ip, char *buf, size_t len);

/* pmd-log.c */
void pmd_log_init(bool json, bool verbose);
/* action, then key/value string pairs ending with NULL; "why" last. */
void pmd_log(const char *action, ...) __attribute__((sentinel));
void pmd_debug(const char *action, ...) __attribute__((sentinel));

/* pmd-kernel.c: the in-kernel path manager. */
struct pmd_kernel;
int pmd_kernel_start(const struct pmd_config *cfg, struct pmd_kernel **out);
/* Make endpoints and limits match net; 0, or -errno if something failed
 * (it will be tried again). */
int pmd_kernel_sync(struct pmd_kernel *k, const struct pmd_net *net);
/* Remove the endpoints we added, restore the limits we changed. */
int pmd_kernel_stop(struct pmd_kernel *k);

/* pmd-upm.c: the userspace path manager. */
struct pmd_upm;
int pmd_upm_start(const struct pmd_config *cfg, struct pmd_upm **out);
int pmd_upm_fd(const struct pmd_upm *u);
/* Handle pending path-manager events. */
int pmd_upm_read(struct pmd_upm *u, const struct pmd_net *net);
/* Links or addresses changed: destroy or create subflows. */
int pmd_upm_sync(struct pmd_upm *u, const struct pmd_net *net);
void pmd_upm_stop(struct pmd_upm *u);

/* pmd-tune.c: opt-in sysctl tuning, restored at stop. */
int pmd_tune_start(const struct pmd_config *cfg);
int pmd_tune_stop(void);

/* pmd-run.c */
int pmd_run(const struct pmd_config *cfg);

#endif
