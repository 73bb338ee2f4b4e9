// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel's mptcp_info and tcp_info as the public structures: for the
 * socket options of info.c and for the sock_diag replies the mptcpkit
 * program reads (on its own so that a fuzzer can link it alone). */
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>

#include "internal.h"
#include "uapi/mptcp-uapi.h"

#define END_OF(field) (offsetof(struct mpk_uapi_mptcp_info, field) + \
		       sizeof(((struct mpk_uapi_mptcp_info *)0)->field))

/* Which newer groups of fields a kernel filled, from how many bytes it
 * wrote. By the end of the group's last field: 6.1's structure is 48 bytes
 * with padding where 6.5 put mptcpi_retransmits, so that one alone would
 * look filled there. */
uint32_t mpk_conn_known(size_t filled)
{
	uint32_t known = 0;

	if (filled >= END_OF(mptcpi_bytes_acked))
		known |= MPK_CONN_KNOWN_BYTES;
	if (filled >= END_OF(mptcpi_subflows_total))
		known |= MPK_CONN_KNOWN_SUBFLOWS_TOTAL;
	if (filled >= END_OF(mptcpi_last_ack_recv))
		known |= MPK_CONN_KNOWN_LAST;
	return known;
}

void mpk_conn_from_uapi(struct mpk_conn_info *c, const struct mpk_uapi_mptcp_info *m,
			size_t filled)
{
	c->subflows = m->mptcpi_subflows;
	c->add_addr_signal = m->mptcpi_add_addr_signal;
	c->add_addr_accepted = m->mptcpi_add_addr_accepted;
	c->subflows_max = m->mptcpi_subflows_max;
	c->add_addr_signal_max = m->mptcpi_add_addr_signal_max;
	c->add_addr_accepted_max = m->mptcpi_add_addr_accepted_max;
	c->flags = m->mptcpi_flags;
	c->fallback = m->mptcpi_flags & MPK_MPTCP_INFO_FLAG_FALLBACK;
	c->remote_key_received = m->mptcpi_flags & MPK_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED;
	c->token = m->mptcpi_token;
	c->write_seq = m->mptcpi_write_seq;
	c->snd_una = m->mptcpi_snd_una;
	c->rcv_nxt = m->mptcpi_rcv_nxt;
	c->local_addr_used = m->mptcpi_local_addr_used;
	c->local_addr_max = m->mptcpi_local_addr_max;
	c->csum_enabled = m->mptcpi_csum_enabled;
	c->retransmits = m->mptcpi_retransmits;
	c->bytes_retrans = m->mptcpi_bytes_retrans;
	c->bytes_sent = m->mptcpi_bytes_sent;
	c->bytes_received = m->mptcpi_bytes_received;
	c->bytes_acked = m->mptcpi_bytes_acked;
	c->known = mpk_conn_known(filled);
	/* Before 6.8 the kernel counted only the extra subflows. */
	if (c->known & MPK_CONN_KNOWN_SUBFLOWS_TOTAL)
		c->subflows_total = m->mptcpi_subflows_total;
	else
		c->subflows_total = m->mptcpi_subflows + 1;
	c->last_data_sent_ms = m->mptcpi_last_data_sent;
	c->last_data_recv_ms = m->mptcpi_last_data_recv;
	c->last_ack_recv_ms = m->mptcpi_last_ack_recv;
}

void mpk_tcp_from_uapi(struct mpk_subflow_info *s, const struct mpk_uapi_tcp_info *t)
{
	s->has_tcp_info = true;
	s->state = t->tcpi_state;
	s->ca_state = t->tcpi_ca_state;
	s->rtt_us = t->tcpi_rtt;
	s->rttvar_us = t->tcpi_rttvar;
	s->min_rtt_us = t->tcpi_min_rtt;
	s->snd_cwnd = t->tcpi_snd_cwnd;
	s->snd_ssthresh = t->tcpi_snd_ssthresh;
	s->snd_mss = t->tcpi_snd_mss;
	s->rcv_mss = t->tcpi_rcv_mss;
	s->unacked = t->tcpi_unacked;
	s->lost = t->tcpi_lost;
	s->retrans = t->tcpi_retrans;
	s->total_retrans = t->tcpi_total_retrans;
	s->last_data_sent_ms = t->tcpi_last_data_sent;
	s->last_data_recv_ms = t->tcpi_last_data_recv;
	s->pacing_rate = t->tcpi_pacing_rate;
	s->delivery_rate = t->tcpi_delivery_rate;
	s->bytes_acked = t->tcpi_bytes_acked;
	s->bytes_received = t->tcpi_bytes_received;
	s->bytes_sent = t->tcpi_bytes_sent;
	s->bytes_retrans = t->tcpi_bytes_retrans;
	s->segs_out = t->tcpi_segs_out;
	s->segs_in = t->tcpi_segs_in;
}

bool mpk_same_host(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
	const struct sockaddr_in *a4 = (const void *)a;

	if (a->sa_family == AF_INET && b->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&b6->sin6_addr))
		return memcmp(&a4->sin_addr, &b6->sin6_addr.s6_addr[12], 4) == 0;
	if (a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return a4->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
		      &b6->sin6_addr, sizeof(struct in6_addr)) == 0;
}
