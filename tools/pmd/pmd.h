/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptcpkit pmd: a path-manager daemon that keeps every usable path in use,
 * also when paths flap or die silently.
 *
 *   pmd-config.c   the configuration (file, flags and defaults: one setter)
 *   pmd-net.c      addresses and links: lookups and formatting (pure)
 *   pmd-rtnl.c     links and addresses, watched over rtnetlink (I/O only)
 *   pmd-policy.c   which address wants which endpoint (pure)
 *   pmd-health.c   per-path liveness from subflow progress and probes, the
 *                  userspace PM's re-creation backoff (pure)
 *   pmd-prefer.c   which paths are backup, from their RTTs and rates (pure)
 *   pmd-watch.c    feeds pmd-health: sock_diag samples and ICMP probes;
 *                  resets the subflows a client closed while a path was down
 *   pmd-probe.c    ICMP echo per path, bound to its interface and address
 *   pmd-route.c    the interface a subflow leaves by (its output route)
 *   pmd-tcp-probe.c  TCP connect per path, for targets that filter ICMP
 *   pmd-kernel.c   in-kernel PM: endpoints and limits, added and restored
 *   pmd-upm.c      userspace PM: subflows created and destroyed per event
 *   pmd-state.c    what pmd added, under /run, so a restart can adopt it
 *   pmd-stuck.c    connections that can take no new subflow (half-closed...)
 *                  and the addresses that carry their last working subflow
 *   pmd-log.c      one line per decision on stderr, text or JSON, typed
 *   pmd-pmsel.c    --pm userspace selects that path manager; restored at stop
 *   pmd-tune.c     tcp_wmem's and tcp_rmem's ceilings, tcp_notsent_lowat,
 *                  MPTCP's DSS checksums and packet scheduler;
 *                  restored at stop
 *   pmd-sched.c    the kernel's packet schedulers: --scheduler checked
 *                  before anything changes, the one in use said at start
 *   pmd-bufcap.c   wmem_max / rmem_max = auto: a ceiling sized to the paths (pure)
 *   pmd-balanced.c backend mode behind an L4 balancer (--balanced, --join):
 *                  the C flag, the join address's endpoint, the joins watched
 *   pmd-run.c      the daemon loop and the clean stop
 *   cmd-pmd.c      the command line
 *
 * Error rule: every pmd-* function returns 0 (or a count) or -errno and
 * logs through pmd-log.c only; cmd-pmd.c maps errors to the exit code.
 */
#ifndef MPTCPKIT_PMD_H
#define MPTCPKIT_PMD_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mptcpkit.h"
#include "pmd-stats.h"

#define PMD_DEFAULT_CONFIG "/etc/mptcpkit/pmd.conf"
#define PMD_IF_MAX 32	/* interfaces named in one list */
#define PMD_LINKS_MAX 64
#define PMD_ADDRS_MAX 64
#define PMD_LIMIT_MAX 8	/* the kernel's MPTCP_PM_ADDR_MAX */
#define PMD_TARGETS_MAX 4	/* probe targets per path */
#define PMD_SCHED_NAME_MAX 16	/* the kernel's MPTCP_SCHED_NAME_MAX, with its NUL */
#define PMD_SCHED_LIST_LEN 512	/* net.mptcp.available_schedulers: 30 such names */

/* The endpoint flags a configuration may set (MPK_EP_*). */
#define PMD_EP_CONFIGURABLE (MPK_EP_SIGNAL | MPK_EP_SUBFLOW | MPK_EP_BACKUP | MPK_EP_FULLMESH)

enum pmd_mode { PMD_MODE_CLIENT, PMD_MODE_SERVER };
enum pmd_pm { PMD_PM_KERNEL, PMD_PM_USERSPACE };

/* Which paths are backup, from their RTTs and rates (pmd-prefer.c). */
enum pmd_prefer { PMD_PREFER_AUTO, PMD_PREFER_AGGREGATE, PMD_PREFER_HANDOVER,
		  PMD_PREFER_INTERACTIVE };

/* What to do with an endpoint whose link lost its carrier. */
enum pmd_down { PMD_DOWN_REMOVE, PMD_DOWN_BACKUP };

/* Per-interface settings from a [interface NAME] section. */
struct pmd_ifconf {
	char name[IF_NAMESIZE];
	int flags;	/* -1: from the mode */
	int backup;	/* -1: not said, 0 no, 1 yes */
	int use;	/* -1: not said, 0 exclude, 1 include */
	int ntargets;	/* probe targets given for this interface */
	int target_family[PMD_TARGETS_MAX];
	union mpk_in46 target[PMD_TARGETS_MAX];
	uint16_t target_port[PMD_TARGETS_MAX];	/* 0: ICMP echo, else TCP connect */
};

struct pmd_iflist {
	char name[PMD_IF_MAX][IF_NAMESIZE];
	int count;
};

/* Health checks (pmd-health.c); times in milliseconds. */
struct pmd_health_config {
	bool enabled;
	unsigned int interval_ms;	/* probe and sample period */
	unsigned int dead_ms;		/* silence that makes a path dead (at
					 * least 4 of its round trips) */
	unsigned int dead_probes;	/* ... with at least this many probes lost */
	unsigned int alive_probes;	/* answers in a row that bring it back */
	unsigned int stall_ms;		/* an ACK this late, data outstanding,
					 * on a path that answers: refresh */
};

/* Backend mode (--balanced VIP:PORT --join ADDR[:PORT]): clients reach
 * this server through an L4 balancer at the service address; their joins
 * must go to the join address, which reaches this backend directly. */
struct pmd_balanced_config {
	bool on;
	int vip_family;
	union mpk_in46 vip;
	uint16_t vip_port;
	int join_family;	/* AF_UNSPEC: --join not given */
	union mpk_in46 join;
	uint16_t join_port;	/* 0: the address alone */
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
	long wmem_max;		/* -1: leave net.ipv4.tcp_wmem's ceiling alone;
				 * PMD_BUF_AUTO: sized to the paths */
	long rmem_max;		/* the same for net.ipv4.tcp_rmem */
	long rmem_default;	/* -1: leave net.ipv4.tcp_rmem's default alone;
				 * else raise it to this */
	bool checksum;		/* net.mptcp.checksum_enabled=1 while running (opt-in) */
	char scheduler[PMD_SCHED_NAME_MAX];	/* net.mptcp.scheduler while running;
						 * "": left alone */
	struct pmd_health_config health;
	struct pmd_balanced_config balanced;
	enum pmd_prefer prefer;	/* default auto */
	bool verbose;
};

/* pmd-config.c */
void pmd_config_init(struct pmd_config *cfg);
/* One setting: section is NULL at the top level, else an interface name
 * (its section is created on first use). 0, or -EINVAL with why in err. */
int pmd_config_set(struct pmd_config *cfg, const char *section, const char *key,
		   const char *value, char *err, size_t errlen);
/* Parse a configuration; 0, or -EINVAL with "line N: why" in err. */
int pmd_config_parse(struct pmd_config *cfg, FILE *f, char *err, size_t errlen);
int pmd_config_parse_string(struct pmd_config *cfg, const char *text,
			    char *err, size_t errlen);
/* Read path; a missing file is fine when !required. 0 or -errno. */
int pmd_config_load(struct pmd_config *cfg, const char *path, bool required,
		    char *err, size_t errlen);
/* "a,b,c" into a list (appended); 0 or -EINVAL. */
int pmd_iflist_parse(struct pmd_iflist *list, const char *s);
bool pmd_iflist_has(const struct pmd_iflist *list, const char *name);
/* "subflow,backup" into MPK_EP_*; 0 or -EINVAL. */
int pmd_flags_parse(const char *s, int *flags);
/* MPK_EP_* as "subflow,backup" ("none" for 0). */
const char *pmd_flags_format(int flags, char *buf, size_t len);
const struct pmd_ifconf *pmd_config_if(const struct pmd_config *cfg,
				       const char *ifname);

struct pmd_link {
	unsigned int ifindex;
	char name[IF_NAMESIZE];
	unsigned int flags;	/* IFF_* */
	uint8_t operstate;	/* IF_OPER_* (IFLA_OPERSTATE) */
	uint8_t link_mode;	/* IF_LINK_MODE_* (IFLA_LINKMODE) */
	uint64_t up_ms;		/* when IFF_UP last turned on (CLOCK_MONOTONIC
				 * ms); 0: already up when pmd looked (a
				 * dump: at start, after an overrun) */
};

struct pmd_addr {
	int family;
	union mpk_in46 ip;
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

/* pmd-net.c */
bool pmd_in46_equal(int family, const union mpk_in46 *a, const union mpk_in46 *b);
const char *pmd_in46_format(int family, const union mpk_in46 *ip, char *buf, size_t len);
const struct pmd_link *pmd_net_link(const struct pmd_net *net, unsigned int ifindex);
/* The link carries traffic: up with its carrier (not dormant). */
bool pmd_link_usable(const struct pmd_link *l);
/* Its carrier is late: IFF_UP turned on less than PMD_LINK_RETURN_MS ago
 * and it does not carry traffic yet. */
#define PMD_LINK_RETURN_MS 3000
bool pmd_link_returning(const struct pmd_link *l, uint64_t now_ms);
/* A socket address as (family, address), v4-mapped IPv6 as IPv4;
 * returns the family (AF_UNSPEC for neither). */
int pmd_sockaddr_in46(const struct sockaddr_storage *ss, union mpk_in46 *out);
/* The other way: (family, address, port in host order) into ss; its length. */
socklen_t pmd_in46_sockaddr(int family, const union mpk_in46 *ip, uint16_t port,
			    struct sockaddr_storage *ss);
/* The address of net with this family, address and ifindex, or NULL. */
const struct pmd_addr *pmd_net_addr(const struct pmd_net *net, int family,
				    const union mpk_in46 *ip, unsigned int ifindex);
/* Apply one RTM_NEWLINK/RTM_DELLINK received at now_ms (0: from a dump,
 * when is not known); true if what pmd decides on changed. */
bool pmd_net_link_update(struct pmd_net *net, bool del, const struct pmd_link *l,
			 uint64_t now_ms);
bool pmd_net_addr_update(struct pmd_net *net, bool del, const struct pmd_addr *a);

/* pmd-rtnl.c */
struct pmd_rtnl;
int pmd_rtnl_open(struct pmd_rtnl **out);
void pmd_rtnl_close(struct pmd_rtnl *rt);
int pmd_rtnl_fd(const struct pmd_rtnl *rt);
/* How often notifications were lost (and a full dump read instead). */
unsigned int pmd_rtnl_overruns(const struct pmd_rtnl *rt);
/* Fill net from a full dump; 0 or -errno. */
int pmd_rtnl_dump(struct pmd_rtnl *rt, struct pmd_net *net);
/* Apply pending notifications; 1 if net changed, 0 if not, -errno.
 * On an overrun (-ENOBUFS) it dumps again. */
int pmd_rtnl_read(struct pmd_rtnl *rt, struct pmd_net *net);

/* pmd-health.c: per path, alive or dead, from evidence (no I/O). */
enum pmd_path_state { PMD_PATH_ALIVE, PMD_PATH_DEAD };

/* Which way data moves: this host sends it (acked by the peer), or
 * receives it. */
enum pmd_dir { PMD_DIR_SEND, PMD_DIR_RECV, PMD_DIRS };

/* What one sample of a path showed. */
struct pmd_evidence {
	bool progress;		/* a subflow on the path received segments */
	unsigned int subflows;	/* established subflows on the path */
	uint32_t unacked;	/* segments outstanding on the most stuck subflow */
	uint32_t last_ack_ms;	/* ... its last ACK's age */
	uint8_t rtos;		/* ... its retransmission timeouts in a row */
	unsigned int answers;	/* probe answers since the last sample */
	unsigned int sent;	/* probes sent since the last sample */
	bool answering;		/* a probe target of the path ever answered */
	uint32_t rtt_ms;	/* smoothed probe round trip (0: none yet) */
	uint32_t base_rtt_ms;	/* least round trip, queueing left out: its
				 * subflows' min_rtt, its least probe (0: none) */
	uint32_t min_rtt_us;	/* least min_rtt of its subflows (0: none) */
	uint64_t rate_bps;	/* highest delivery rate of its subflows, bit/s */
	uint64_t bytes[PMD_DIRS];	/* sent (acked) and received on them since
					 * the last sample */
	unsigned int local_backup;	/* fully established subflows marked backup here */
	unsigned int local_active;	/* ... and not */
};

struct pmd_path_health {
	enum pmd_path_state state;
	uint64_t last_alive_ms;	/* time of the last sign of life */
	unsigned int lost;	/* probes sent since the last sign of life */
	unsigned int answers_in_row;	/* while dead */
	bool stalled;		/* alive, but a subflow waits for an ACK */
	bool busy;		/* segments came with the last sign of life */
	uint64_t changed_ms;	/* when state last changed */
};

enum pmd_verdict {
	PMD_VERDICT_NONE,	/* nothing changed */
	PMD_VERDICT_DEAD,	/* alive -> dead */
	PMD_VERDICT_ALIVE,	/* dead -> alive */
	PMD_VERDICT_STALLED,	/* alive, answers probes, a subflow is stuck */
};

void pmd_health_init(struct pmd_path_health *h, uint64_t now_ms);
enum pmd_verdict pmd_health_judge(const struct pmd_health_config *cfg,
				  struct pmd_path_health *h,
				  const struct pmd_evidence *ev, uint64_t now_ms);

/* The wait before a subflow that closed by itself is made again (pmd-health.c, pure;
 * pmd-upm.c waits so):
 * PMD_BACKOFF_MIN_MS first and after a subflow that lived
 * PMD_BACKOFF_STABLE_MS, else twice the last (prev_ms), at most
 * PMD_BACKOFF_MAX_MS. */
#define PMD_BACKOFF_MIN_MS 100
#define PMD_BACKOFF_MAX_MS 3200
#define PMD_BACKOFF_STABLE_MS 5000
uint32_t pmd_backoff_delay(uint32_t prev_ms, uint64_t lived_ms);

/* pmd-policy.c: the endpoint an address should have. */
enum pmd_skip {
	PMD_SKIP_NONE,		/* usable */
	PMD_SKIP_LINK_GONE,
	PMD_SKIP_LOCAL_ADDR,	/* loopback or link-local address */
	PMD_SKIP_NOT_READY,	/* tentative, failed DAD or deprecated */
	PMD_SKIP_LOOPBACK_IF,
	PMD_SKIP_EXCLUDED_SECTION,
	PMD_SKIP_EXCLUDED,
	PMD_SKIP_NOT_ONLY,
	PMD_SKIP_LINK_DOWN,
	PMD_SKIP_PATH_DEAD,	/* link up, but the health checks say dead */
	PMD_SKIP_ADDR_GONE,
	PMD_SKIP_FLAGS_CHANGED,	/* usable, but wanted with other flags */
};
const char *pmd_skip_text(enum pmd_skip why);

struct pmd_want {
	int family;
	union mpk_in46 ip;
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	int flags;
};

/* pmd-prefer.c: which paths are backup (pure). */
struct pmd_prefer_path {
	bool usable;		/* alive: a candidate */
	uint32_t rtt_us;	/* its base RTT (0: not known yet) */
	uint64_t rate_bps;	/* what it carried at most the way the data flows
				 * (pmd_rate_bps; 0: not known) */
	bool backup;		/* in: as it is; out: as it should be */
	bool slow;		/* out: its rate is far below the fastest path's */
	bool far;		/* out (auto): its RTT is far above the best's */
	int best;		/* out: the index of the lowest RTT, or -1 */
};
/* Decide backup for n paths; how many changed. */
int pmd_prefer_judge(enum pmd_prefer mode, struct pmd_prefer_path *p, int n);
const char *pmd_prefer_name(enum pmd_prefer m);

/* Which way the data flows now, from the bytes all paths move per sample
 * (pure, pmd-prefer.c): it turns when the other way carries more than
 * twice as much, on average over the last samples. */
struct pmd_flow {
	uint64_t avg[PMD_DIRS];	/* bytes per sample, smoothed */
	enum pmd_dir dir;
};
/* One sample's bytes, sent and received; true if the direction turned. */
bool pmd_flow_note(struct pmd_flow *f, const uint64_t bytes[PMD_DIRS]);
const char *pmd_dir_name(enum pmd_dir d);

/* A path's rate, from the bytes its subflows move (pure, pmd-prefer.c):
 * the most of the last periods in which it moved data, kept while the
 * path is idle or backup (it carries nothing then) and forgotten after
 * PMD_RATE_KEEP_MS without data (the path is tried again). */
#define PMD_RATE_KEEP_MS 300000
struct pmd_rate {
	uint64_t period_ms;	/* when the current period began (0: none yet) */
	uint64_t bytes;		/* moved in it */
	uint64_t max_bps[2];	/* the most of a counted period: this window, the last */
	uint64_t win_ms;	/* when this window began */
	unsigned int periods;	/* counted periods in a row that did not raise
				 * the most, up to RATE_PERIODS (then known) */
	uint64_t last_ms;	/* the end of the last counted period */
};
/* One sample: bytes moved on the path since the last one. */
void pmd_rate_note(struct pmd_rate *r, uint64_t bytes, uint64_t now_ms);
/* The rate to judge by, bit/s; 0 while too few steady periods or forgotten. */
uint64_t pmd_rate_bps(const struct pmd_rate *r, uint64_t now_ms);
int pmd_prefer_parse(const char *s, enum pmd_prefer *out);

/* Is the path of (family, ip, ifindex) dead? (pmd-watch.c answers.) */
typedef bool (*pmd_dead_fn)(void *data, int family, const union mpk_in46 *ip,
			    unsigned int ifindex);
struct pmd_health_view {
	pmd_dead_fn dead;
	/* Does the address carry subflows that leave by another path that
	 * works? Then its endpoint must stay: deleting it would close them. */
	pmd_dead_fn shared;
	/* Does the address carry the last working subflow of a connection
	 * that cannot take new subflows (pmd-stuck.c)? Then its endpoint and
	 * subflows stay: a link that comes back revives a kept subflow. */
	pmd_dead_fn pinned;
	/* Can connection token no longer take new subflows? */
	bool (*stuck)(void *data, uint32_t token);
	/* Should the path be backup (pmd-prefer.c's verdict)? May be NULL. */
	pmd_dead_fn backup;
	/* Do subflows of the path disagree with that verdict (their MP_PRIO
	 * was lost)? Then the flag is sent again. May be NULL. */
	pmd_dead_fn prio_lost;
	/* Abort the subflows from this address that this host closed and
	 * whose FIN the peer has not acknowledged (pmd-kernel.c says why);
	 * how many, or -errno. May be NULL. */
	int (*reset_closing)(void *data, int family, const union mpk_in46 *ip);
	void *data;
};

/* Why an address is not used (PMD_SKIP_NONE when it is). health may be NULL. */
enum pmd_skip pmd_addr_unusable(const struct pmd_config *cfg, const struct pmd_net *net,
				const struct pmd_health_view *health,
				const struct pmd_addr *addr);
/* The endpoint flags for an interface (mode, sections, backup list). */
int pmd_flags_for(const struct pmd_config *cfg, const char *ifname);
/* Every usable address with its flags; returns the count. */
int pmd_wanted(const struct pmd_config *cfg, const struct pmd_net *net,
	       const struct pmd_health_view *health, struct pmd_want *out, int max);

/* pmd-log.c: pmd_log_begin(action), fields, pmd_log_end(why). */
void pmd_log_init(bool json, bool verbose);
bool pmd_log_verbose(void);
void pmd_log_begin(const char *action);
/* The same for a line that reports (-v's samples), not a decision. */
void pmd_log_begin_report(const char *action);
/* The decisions logged so far, by action; *changed: since the last call. */
struct pmd_stats *pmd_log_stats(bool *changed);
void pmd_log_str(const char *key, const char *val);
void pmd_log_uint(const char *key, uint64_t val);
void pmd_log_addr(const char *key, int family, const union mpk_in46 *ip);
/* A space-separated list of words: a JSON array of strings, in text the
 * words joined by commas. */
void pmd_log_words(const char *key, const char *words);
void pmd_log_end(const char *why);
/* An action that failed: "pmd: error failed ACTION: why". */
void pmd_log_error(const char *action, const char *why);
/* A sysctl this kernel lacks, and what that means. */
void pmd_log_no_sysctl(const char *sysctl, const char *why);

/* pmd-probe.c: ICMP echo over one path. */
struct pmd_probe;
/* An answer from this address, rtt_ms after its probe left. */
typedef void (*pmd_answer_fn)(void *data, const union mpk_in46 *from, uint32_t rtt_ms);
int pmd_probe_open(int family, const union mpk_in46 *src, const char *ifname,
		   uint16_t ident, struct pmd_probe **out);
void pmd_probe_close(struct pmd_probe *p);
int pmd_probe_fd(const struct pmd_probe *p);
int pmd_probe_send(struct pmd_probe *p, const union mpk_in46 *dst);
/* Answers waiting on the socket: fn for each; their count, or -errno. */
int pmd_probe_read(struct pmd_probe *p, pmd_answer_fn fn, void *data);

/* pmd-tcp-probe.c: a TCP connect over one path (one in flight per target). */
struct pmd_tcp_probe {
	int fd;			/* -1: none in flight */
	uint64_t sent_ms;
};
void pmd_tcp_probe_init(struct pmd_tcp_probe *t);
/* A new connect (an unanswered one in flight is dropped); 0 or -errno
 * (it could not leave: as lost as an unanswered one). */
int pmd_tcp_probe_start(struct pmd_tcp_probe *t, int family, const union mpk_in46 *src,
			const char *ifname, const union mpk_in46 *dst, uint16_t port);
/* 1: answered (connected or refused), with its round trip; 0: still in
 * flight (or none); -1: failed otherwise (unreachable). Done ones close. */
int pmd_tcp_probe_check(struct pmd_tcp_probe *t, uint32_t *rtt_ms);
void pmd_tcp_probe_abort(struct pmd_tcp_probe *t);

/* pmd-watch.c: sock_diag samples and probes, judged by pmd-health.c. */
struct pmd_watch;
int pmd_watch_start(const struct pmd_config *cfg, struct pmd_watch **out);
void pmd_watch_stop(struct pmd_watch *w);
/* The probe socket descriptors to poll for reading (count in *n). */
int pmd_watch_fds(const struct pmd_watch *w, int *fds, int max);
/* Milliseconds until the next sample (-1: no health checks). */
int pmd_watch_timeout(const struct pmd_watch *w);
/* Read probe answers; sample and judge when it is time. Returns 1 when a
 * path changed state or needs a refresh, 0 if not, -errno. */
int pmd_watch_step(struct pmd_watch *w, const struct pmd_net *net);
struct pmd_health_view pmd_watch_view(struct pmd_watch *w);
/* Does pmd-prefer.c keep a live path as backup now? */
bool pmd_watch_any_backup(const struct pmd_watch *w);
/* Each path's health into s->path[]. */
void pmd_watch_paths(const struct pmd_watch *w, struct pmd_stats *s);
/* The most bytes in flight on one TCP socket in the last sample, subflows
 * and plain TCP (0 before the first). */
uint64_t pmd_watch_in_flight(const struct pmd_watch *w);
/* Samples taken so far. */
uint64_t pmd_watch_samples(const struct pmd_watch *w);
/* The largest receive window in use (pmd-rcvwin.c; 0 before the first,
 * and always unless rmem_max is auto). */
uint64_t pmd_watch_rcv_window(const struct pmd_watch *w);
/* Paths whose subflows need re-creating: the callback gets each (and the
 * list is emptied). */
typedef void (*pmd_refresh_fn)(void *data, int family, const union mpk_in46 *ip,
			       unsigned int ifindex, const char *why);
void pmd_watch_take_refresh(struct pmd_watch *w, pmd_refresh_fn fn, void *data);

/* pmd-restore.c: client connections that lack a subflow from a usable
 * path (paths numbered 0..n-1 by the caller). */
struct diag_snapshot;
struct pmd_restore;
struct pmd_restore_paths {
	int n;
	/* path k is usable, for a connection of this family */
	bool (*usable)(void *data, int k, int family);
	/* local is path k's address */
	bool (*local_is)(void *data, int k, const struct sockaddr_storage *local);
	/* connection token needs a subflow from path k */
	void (*need)(void *data, int k, uint32_t token, bool last_try);
	void *data;
};
int pmd_restore_open(struct pmd_restore **out);
void pmd_restore_close(struct pmd_restore *r);
void pmd_restore_scan(struct pmd_restore *r, const struct diag_snapshot *s,
		      const struct pmd_restore_paths *paths, uint64_t now_ms);

/* pmd-stuck.c: connections that can no longer take new subflows (half-
 * closed, fallen back, subflow limit reached), said once each, and the
 * addresses that carry their last working subflow: their endpoints and
 * subflows must stay, or the connection dies. */
struct diag_conn;
struct pmd_stuck;
enum pmd_stuck_why {
	PMD_STUCK_NONE,
	PMD_STUCK_HALF_CLOSED,	/* not ESTABLISHED at the MPTCP level */
	PMD_STUCK_FALLBACK,
	PMD_STUCK_LIMITS,	/* as many subflows as its limit */
};
/* Is a path of (family, local address) alive? */
typedef bool (*pmd_alive_fn)(void *data, int family, const union mpk_in46 *ip);
enum pmd_stuck_why pmd_stuck_why(const struct diag_conn *c);
const char *pmd_stuck_text(enum pmd_stuck_why why);
int pmd_stuck_open(struct pmd_stuck **out);
void pmd_stuck_close(struct pmd_stuck *st);
/* s with DIAG_CONNS and DIAG_SUBFLOWS; logs each new such connection. */
void pmd_stuck_scan(struct pmd_stuck *st, const struct diag_snapshot *s,
		    pmd_alive_fn alive, void *data);
bool pmd_stuck_token(const struct pmd_stuck *st, uint32_t token);
bool pmd_stuck_pins(const struct pmd_stuck *st, int family, const union mpk_in46 *ip);

/* pmd-state.c: the endpoints pmd added and the limits it found, in a file
 * under PMD_STATE_DIR, so a pmd killed with SIGKILL can be followed by one
 * that adopts them. */
struct pmd_saved {
	struct mpk_endpoint eps[PMD_ADDRS_MAX];
	int neps;
	struct mpk_limits limits;	/* before the first pmd started */
	bool have_limits;
	int pid;
	/* backend mode (pmd-balanced.c): the join endpoint, and
	 * allow_join_initial_addr_port as it was before the first pmd */
	bool have_balanced;
	int c_flag_before;
	struct mpk_endpoint join;
};
/* The file's path for this network namespace. */
int pmd_state_path(char *buf, size_t len);
/* 0 and *saved; -ENOENT when there is none; -EBUSY when its pmd still
 * runs (saved->pid says which). */
int pmd_state_load(struct pmd_saved *saved);
int pmd_state_save(const struct pmd_saved *saved);
void pmd_state_remove(void);

/* pmd-kernel.c: the in-kernel path manager. */
struct pmd_kernel;
int pmd_kernel_start(const struct pmd_config *cfg, struct pmd_kernel **out);
/* Make endpoints and limits match net and the paths' health; 0, 1 when
 * an endpoint was kept only because it was the last path (sync again
 * soon), 2 when an endpoint waits for the resets of subflows closed while
 * its path was down (sync again very soon: RESET_MS), or -errno if
 * something failed (it will be tried again). */
int pmd_kernel_sync(struct pmd_kernel *k, const struct pmd_net *net,
		    const struct pmd_health_view *health);
/* Re-create the subflows of the endpoint of this address: delete it now;
 * 1 tells the caller to sync again soon, which adds it again. */
int pmd_kernel_refresh(struct pmd_kernel *k, const struct pmd_net *net,
		       const struct pmd_health_view *health, int family,
		       const union mpk_in46 *ip, const char *why);
/* Remove the endpoints we added, restore the limits we changed. */
int pmd_kernel_stop(struct pmd_kernel *k);

/* pmd-upm.c: the userspace path manager. */
struct pmd_upm;
int pmd_upm_start(const struct pmd_config *cfg, struct pmd_upm **out);
int pmd_upm_fd(const struct pmd_upm *u);
/* Handle pending path-manager events. */
int pmd_upm_read(struct pmd_upm *u, const struct pmd_net *net,
		 const struct pmd_health_view *health);
/* Links, addresses or health changed: destroy or create subflows. */
int pmd_upm_sync(struct pmd_upm *u, const struct pmd_net *net,
		 const struct pmd_health_view *health);
/* Milliseconds until pmd_upm_sync is due again (a subflow kept while its
 * link comes back, one waiting to be created again); -1: none. */
int pmd_upm_timeout(const struct pmd_upm *u);
/* The stuck subflows from this local address closed and opened again on
 * the same path; how many. */
int pmd_upm_refresh(struct pmd_upm *u, int family, const union mpk_in46 *ip,
		    const char *why);
void pmd_upm_stop(struct pmd_upm *u);

/* pmd-bufcap.c: a buffer ceiling of wmem_max / rmem_max = auto. */
#define PMD_BUF_AUTO (-2L)
#define PMD_WMEM_FLOOR 262144L	/* 2 x 50 Mbit/s uploads recovered in <= 0.23 s */
/* pmd_tune_adapt's in_flight while a path waits as backup: the kernel's
 * ceiling for wmem_max (pmd-run.c says why); not a measurement, so the log
 * says why instead of printing it */
#define PMD_IN_FLIGHT_BACKUP (UINT64_MAX / 8)
#define PMD_RMEM_FLOOR 524288L	/* ... downloads in <= 0.16 s, nothing slower */
#define PMD_RMEM_DEFAULT 262144L	/* short downloads: no round trip lost (pmd-tune.c) */

struct pmd_bufcap {
	long floor;
	long ceiling;		/* the namespace's before pmd: never above it */
	long cur;		/* the value set now */
	uint64_t low_since_ms;	/* the need below half of cur since; 0: not */
	uint64_t high_since_ms;	/* ... above cur by a quarter since; 0: not */
	long high_least;	/* the least need since high_since_ms */
};

void pmd_bufcap_init(struct pmd_bufcap *c, long floor, long ceiling);
/* The ceiling to set for what the busiest socket needs now (bytes), or 0
 * to keep the current one. */
long pmd_bufcap_next(struct pmd_bufcap *c, uint64_t bytes, uint64_t now_ms);

/* pmd-rcvwin.c: the receive window in use, for rmem_max = auto. */
struct pmd_rcvwin;
struct diag_snapshot;
int pmd_rcvwin_new(struct pmd_rcvwin **out);
void pmd_rcvwin_free(struct pmd_rcvwin *r);
/* The largest receive window (bytes) a connection of snapshot s uses: its
 * rate since the last measure times its longest receive RTT, or a plain
 * TCP socket's receive space. Measured at most every 200 ms; between, the
 * last measure. */
uint64_t pmd_rcvwin_update(struct pmd_rcvwin *r, const struct diag_snapshot *s,
			   uint64_t now_ms);

/* pmd-route.c: the interface the kernel sends from src to dst by, for a
 * socket with this mark (its output route, source and mark rules
 * included); 0 when it cannot tell. */
struct pmd_route;
int pmd_route_open(struct pmd_route **out);
void pmd_route_close(struct pmd_route *r);
unsigned int pmd_route_oif(struct pmd_route *r, int family, const union mpk_in46 *src,
			   const union mpk_in46 *dst, uint32_t mark);

/* pmd-sched.c: the kernel's packet scheduler (net.mptcp.scheduler, 6.6+).
 * Before pmd changes anything: cfg->scheduler, when given, is one this
 * kernel offers. 0; -ENOENT when not (available: what it offers, for the
 * error); -EOPNOTSUPP when the kernel has no choice (before 6.6) and
 * another than its built-in "default" was asked; else -errno. */
int pmd_sched_check(const struct pmd_config *cfg, char *available, size_t len);
/* Log the scheduler in use and those on offer (after pmd_tune_start). */
void pmd_sched_report(const struct pmd_config *cfg);
#define PMD_SCHED_MISSING "no scheduler choice on this kernel (before 6.6): its built-in one alone"


/* pmd-tune.c: sysctl tuning, restored at stop. */
int pmd_tune_start(const struct pmd_config *cfg);
/* wmem_max / rmem_max = auto: follow the most bytes in flight sampled on
 * one socket, and the largest receive window in use (pmd-watch.c). */
void pmd_tune_adapt(uint64_t in_flight, uint64_t rcv_window, uint64_t now_ms);
int pmd_tune_stop(void);

/* pmd-pmsel.c: --pm userspace sets net.mptcp.path_manager (pm_type before
 * 6.15), restored at stop and by the next pmd after a SIGKILL. 0, or
 * -EOPNOTSUPP on a kernel without the userspace PM (before 5.19), -errno. */
int pmd_pmsel_start(const struct pmd_config *cfg);
int pmd_pmsel_stop(void);

/* pmd-balanced.c: backend mode. Start checks the join address against
 * net (one line through fail() and -EINVAL for bad input), clears
 * net.mptcp.allow_join_initial_addr_port and adds the join endpoint;
 * stop undoes both. step reads the join counters (at most once a second)
 * and logs what changed (a change is a logged action, so the statistics
 * file is written again); stats puts the counters since start in s
 * (nothing when b is NULL: not in backend mode). */
struct pmd_balanced;
int pmd_balanced_start(const struct pmd_config *cfg, const struct pmd_net *net,
		       struct pmd_balanced **out);
void pmd_balanced_step(struct pmd_balanced *b);
void pmd_balanced_stats(const struct pmd_balanced *b, struct pmd_stats *s);
int pmd_balanced_stop(struct pmd_balanced *b);

/* pmd-run.c: 0 after a clean stop, -errno when pmd cannot run. */
int pmd_run(const struct pmd_config *cfg);

#endif
