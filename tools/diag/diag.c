// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sock_diag engine: MPTCP sockets from mptcp_diag (sdiag_protocol
 * IPPROTO_MPTCP, which does not fit the request's u8, so it also goes in
 * INET_DIAG_REQ_PROTOCOL), TCP subflows from inet_diag, both families.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/mptcp.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "diag.h"
#include "diag-ifname.h"
#include "diag-parse.h"
#include "internal.h"
#include "nl.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* Large enough for the biggest dump batch the kernel sends (32 KiB). */
#define DIAG_BUF_SIZE 65536
#define ALL_STATES 0xffffu
#define TCPF(s) (1u << (s))

struct diag {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char *buf;
};

/* What one dump collects into (growing arrays of the snapshot). */
struct collect {
	struct diag_snapshot *snap;
	size_t conns_cap, subflows_cap;
	bool with_fallback;
	bool listeners;          /* the dump asked for listeners only */
	bool subflows;           /* keep the subflows of the TCP dump */
	bool any_v6;             /* an AF_INET6 MPTCP socket was seen */
	bool v6;                 /* IPv6 MPTCP sockets may exist: dump AF_INET6 too */
	/* MPTCP listeners, to recognise the TCP sockets they accepted from
	 * peers without MPTCP (those have no ULP and no token). */
	struct diag_conn *ls;
	size_t nls, ls_cap;
};

int diag_open(struct diag **out)
{
	struct diag *d = calloc(1, sizeof(*d));
	int err;

	if (!d)
		return -ENOMEM;
	d->buf = malloc(DIAG_BUF_SIZE);
	d->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!d->buf || !d->nl) {
		err = d->buf ? -errno : -ENOMEM;
		diag_close(d);
		return err;
	}
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		diag_close(d);
		return err;
	}
	d->portid = mnl_socket_get_portid(d->nl);
	*out = d;
	return 0;
}

void diag_close(struct diag *d)
{
	if (!d)
		return;
	if (d->nl)
		mnl_socket_close(d->nl);
	free(d->buf);
	free(d);
}

/* Room for one more element in *arr (of n, capacity *cap); 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int add_conn(struct diag_conn **arr, size_t *n, size_t *cap,
		    const struct diag_conn *conn)
{
	if (grow((void **)arr, cap, *n, sizeof(*conn)) < 0) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	(*arr)[(*n)++] = *conn;
	return MNL_CB_OK;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port;
	return ((const struct sockaddr_in6 *)ss)->sin6_port;
}

static bool is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == INADDR_ANY;
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* A TCP socket on the address and port of an MPTCP listener: accepted by
 * it from a peer that did not offer MPTCP (a plain TCP listener cannot
 * share the port without SO_REUSEPORT on both). */
static bool accepted_by_listener(const struct collect *c, const struct sockaddr_storage *local)
{
	for (size_t i = 0; i < c->nls; i++) {
		const struct sockaddr_storage *l = &c->ls[i].local;

		if (port_of(l) == port_of(local) &&
		    (is_any(l) || mpk_same_host((const struct sockaddr *)l, local)))
			return true;
	}
	return false;
}

/* A TCP socket without the MPTCP ULP, as a fallen-back connection when an
 * MPTCP listener accepted it. */
static int tcp_cb(const struct nlmsghdr *nlh, struct collect *c)
{
	struct diag_conn conn;

	if (!c->with_fallback || !c->nls || diag_parse_conn(nlh, &conn) < 0)
		return MNL_CB_OK;
	if (conn.listener || !accepted_by_listener(c, &conn.local))
		return MNL_CB_OK;
	memset(&conn.info, 0, sizeof(conn.info));
	conn.fallback = conn.fallback_accepted = true;
	return add_conn(&c->snap->conns, &c->snap->nconns, &c->conns_cap, &conn);
}

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct diag_snapshot *s = c->snap;
	struct diag_conn conn;

	if (diag_parse_conn(nlh, &conn) < 0)
		return MNL_CB_OK;
	/* kept or not, its subflows may be asked for (DIAG_SUBFLOWS) */
	c->any_v6 = c->any_v6 || conn.family == AF_INET6;
	if (conn.listener != c->listeners || (conn.fallback && !c->with_fallback))
		return MNL_CB_OK;
	if (conn.listener)
		return add_conn(&c->ls, &c->nls, &c->ls_cap, &conn);
	return add_conn(&s->conns, &s->nconns, &c->conns_cap, &conn);
}

/* What the buffers of every TCP socket dumped hold, subflow or plain (see
 * in_flight_max). In flight is counted, not estimated: delivery_rate x
 * srtt was tried and jumped to 4 MB on a 50 Mbit/s path (a rate sample
 * over a burst of ACKs). */
static void note_buffers(struct diag_snapshot *s, const struct diag_subflow *sf, bool plain)
{
	uint64_t bytes = (uint64_t)sf->tcp.unacked * sf->tcp.snd_mss;

	if (bytes > s->in_flight_max)
		s->in_flight_max = bytes;
	if (plain && sf->tcp.state == TCP_ESTABLISHED && sf->rcv_space > s->plain_rcv_space_max)
		s->plain_rcv_space_max = sf->rcv_space;
}

static int subflow_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct diag_snapshot *s = c->snap;
	struct diag_subflow sf;

	int ret = diag_parse_subflow(nlh, &sf);

	if (ret == 0 || ret == -ENOENT)
		note_buffers(s, &sf, ret == -ENOENT);
	if (ret == -ENOENT)
		return tcp_cb(nlh, c);
	if (ret < 0 || !c->subflows)
		return MNL_CB_OK;
	if (grow((void **)&s->subflows, &c->subflows_cap, s->nsubflows, sizeof(sf)) < 0) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	s->subflows[s->nsubflows++] = sf;
	return MNL_CB_OK;
}

static int send_request(struct diag *d, int family, uint32_t protocol, uint32_t states)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf);
	struct inet_diag_req_v2 *req;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++d->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)protocol;
	req->idiag_states = states;
	/* INET_DIAG_INFO: mptcp_info or tcp_info, and for TCP the ULP attributes. */
	req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
	if (protocol > 255)
		mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, protocol);
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

static int dump(struct diag *d, int family, uint32_t protocol, uint32_t states,
		mnl_cb_t cb, struct collect *c)
{
	int ret = send_request(d, family, protocol, states);

	while (ret == 0) {
		ssize_t n = mnl_socket_recvfrom(d->nl, d->buf, DIAG_BUF_SIZE);

		if (n < 0)
			return -errno;
		/* libmnl lets a length above INT_MAX through */
		if (mpk_nl_messages_complete(d->buf, (size_t)n) < 0)
			return -EBADMSG;
		ret = mnl_cb_run(d->buf, (size_t)n, d->seq, d->portid, cb, c);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0)
			return errno ? -errno : -EPROTO;
		ret = 0;
	}
	return ret;
}

/* A sockaddr's address and port into a sock_diag socket id. */
static void sockid_put(unsigned char family, const struct sockaddr_storage *ss,
		       __be16 *port, __be32 *addr)
{
	if (family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		*port = sin->sin_port;
		memcpy(addr, &sin->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		*port = sin6->sin6_port;
		memcpy(addr, &sin6->sin6_addr, 16);
	}
}

int diag_destroy(struct diag *d, const struct diag_subflow *sf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf);
	struct inet_diag_req_v2 *req;
	ssize_t n;

	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++d->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)sf->tcp.local.ss_family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = ALL_STATES;
	sockid_put(req->sdiag_family, &sf->tcp.local, &req->id.idiag_sport, req->id.idiag_src);
	sockid_put(req->sdiag_family, &sf->tcp.remote, &req->id.idiag_dport, req->id.idiag_dst);
	req->id.idiag_if = sf->bound_ifindex;
	req->id.idiag_cookie[0] = (uint32_t)sf->cookie;
	req->id.idiag_cookie[1] = (uint32_t)(sf->cookie >> 32);
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(d->nl, d->buf, DIAG_BUF_SIZE);
	if (n < 0)
		return -errno;
	if (mnl_cb_run(d->buf, (size_t)n, d->seq, d->portid, NULL, NULL) < 0)
		return errno ? -errno : -EPROTO;
	return 0;
}

/* Whether this namespace has IPv6 MPTCP sockets, from the socket counts of
 * /proc/net/protocols (per network namespace): each dump walks a table of
 * the whole host, so the IPv6 ones are worth leaving out when they can
 * find nothing. True when the file cannot tell. */
static bool have_mptcp_v6(void)
{
	FILE *f = fopen("/proc/net/protocols", "re");
	char line[512], name[32];
	unsigned long size, sockets;
	bool found = false, some = true;

	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lu %lu", name, &size, &sockets) == 3 &&
		    !strcmp(name, "MPTCPv6")) {
			found = true;
			some = sockets > 0;
		}
	}
	fclose(f);
	return some;
}

static int dump_both(struct diag *d, uint32_t protocol, uint32_t states, mnl_cb_t cb,
		     struct collect *c)
{
	int ret = dump(d, AF_INET, protocol, states, cb, c);

	if (ret == 0 && c->v6)
		ret = dump(d, AF_INET6, protocol, states, cb, c);
	return ret;
}

static int take_mptcp(struct diag *d, unsigned int what, struct collect *c)
{
	int ret = 0;

	c->with_fallback = what & DIAG_FALLBACK;
	if (what & DIAG_CONNS) {
		c->listeners = false;
		ret = dump_both(d, IPPROTO_MPTCP, ALL_STATES & ~TCPF(TCP_LISTEN), conn_cb, c);
	}
	/* fallbacks need the listeners to find the sockets they accepted */
	if (ret == 0 && ((what & DIAG_LISTENERS) ||
			 ((what & DIAG_FALLBACK) && !(what & DIAG_NO_TCP)))) {
		c->listeners = true;
		ret = dump_both(d, IPPROTO_MPTCP, TCPF(TCP_LISTEN), conn_cb, c);
	}
	return ret;
}

/* The TCP sockets: subflows, and those MPTCP listeners accepted without
 * MPTCP. Each dump walks the host's whole TCP hash table, so the IPv6 one
 * is left out when no MPTCP socket dumped was IPv6: the subflows of an IPv4
 * connection are IPv4, and so are the sockets an IPv4 listener accepts. */
static int take_tcp(struct diag *d, unsigned int what, struct collect *c)
{
	uint32_t states = ALL_STATES & ~(TCPF(TCP_LISTEN) | TCPF(TCP_TIME_WAIT));
	int ret = dump(d, AF_INET, IPPROTO_TCP, states, subflow_cb, c);

	if (ret == 0 && c->v6 && (!(what & DIAG_CONNS) || c->any_v6))
		ret = dump(d, AF_INET6, IPPROTO_TCP, states, subflow_cb, c);
	return ret;
}

/* The listeners after the connections, as the caller asked for them. */
static int append_listeners(struct diag_snapshot *s, struct collect *c)
{
	for (size_t i = 0; i < c->nls; i++)
		if (add_conn(&s->conns, &s->nconns, &c->conns_cap, &c->ls[i]) != MNL_CB_OK)
			return -ENOMEM;
	return 0;
}

static bool is_join(const struct diag_subflow *sf)
{
	return sf->mptcp_flags & (MPTCP_SUBFLOW_FLAG_JOIN_REM | MPTCP_SUBFLOW_FLAG_JOIN_LOC);
}

/* Subflows by token, so that a connection's are side by side; the initial
 * subflow first, then the joins by cookie (about their age). */
static int subflow_order(const void *a, const void *b)
{
	const struct diag_subflow *x = a, *y = b;

	if (x->token != y->token)
		return x->token < y->token ? -1 : 1;
	if (is_join(x) != is_join(y))
		return is_join(x) - is_join(y);
	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

int diag_take(struct diag *d, unsigned int what, struct diag_snapshot *out)
{
	struct collect c = { .snap = out, .v6 = have_mptcp_v6() };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!(what & DIAG_CONNS))
		what &= ~DIAG_FALLBACK;
	if (what & (DIAG_CONNS | DIAG_LISTENERS))
		ret = take_mptcp(d, what, &c);
	/* Listening TCP sockets of MPTCP listeners carry the ULP too, and
	 * time-wait ones carry nothing: neither is a subflow. */
	c.subflows = what & DIAG_SUBFLOWS;
	if (ret == 0 && (what & (DIAG_SUBFLOWS | DIAG_FALLBACK)) && !(what & DIAG_NO_TCP))
		ret = take_tcp(d, what, &c);
	if (ret == 0 && (what & DIAG_LISTENERS))
		ret = append_listeners(out, &c);
	free(c.ls);
	if (ret < 0) {
		diag_snapshot_free(out);
		return ret;
	}
	if (out->nsubflows)	/* qsort(NULL, 0) is undefined */
		qsort(out->subflows, out->nsubflows, sizeof(*out->subflows), subflow_order);
	diag_name_interfaces(out);
	return 0;
}

size_t diag_subflows_of(const struct diag_snapshot *s, uint32_t token, size_t *first)
{
	size_t lo = 0, hi = s->nsubflows, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->subflows[mid].token < token)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < s->nsubflows && s->subflows[lo + n].token == token)
		n++;
	return token ? n : 0;
}

void diag_snapshot_free(struct diag_snapshot *s)
{
	free(s->conns);
	free(s->subflows);
	memset(s, 0, sizeof(*s));
}

enum diag_fallback_cause diag_fallback_cause(const struct diag_snapshot *s,
					     const struct diag_conn *c)
{
	size_t first;

	if (!c->fallback)
		return DIAG_FALLBACK_NONE;
	if (c->fallback_accepted)
		return DIAG_FALLBACK_PEER_TCP;
	/* The initial subflow (sorted first) says whether the peer ever sent
	 * MP_CAPABLE. */
	if (diag_subflows_of(s, c->info.token, &first) &&
	    !(s->subflows[first].mptcp_flags & MPTCP_SUBFLOW_FLAG_MCAP_REM))
		return DIAG_FALLBACK_NO_ANSWER;
	return DIAG_FALLBACK_LATER;
}
