// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lab's delay element for kernels without netem: packets that arrive on
 * a path are queued to user space with iptables' NFQUEUE target (one queue
 * per path, in the namespace that receives them) and this loop gives each
 * its ACCEPT verdict once its delay has passed. Only the packets' metadata
 * crosses to user space (NFQNL_COPY_META, GSO packets whole), so the cost
 * is one netlink message in and one batched verdict out per packet burst.
 *
 * The queue is on the receiving side's prerouting hook on purpose: a packet
 * held on the sender's own egress would still be charged to its socket,
 * and TCP small queues would then throttle the sender to about a
 * millisecond of data in flight. On the receiver the veth has already
 * orphaned it, as a real link would have.
 *
 * Order is kept (a link does not reorder): a packet leaves no earlier than
 * the one before it. Jitter is a random offset, uniform in +-jitter, drawn
 * anew every JITTER_HOLD_NS (so a train of packets shares one offset, as
 * on a radio link whose delay wanders, and order costs little).
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "lab-paths.h"

#ifdef HAVE_NFQUEUE
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define FIFO_LEN (1u << 16)		/* packets held per path: 600 ms at 1 Gbit/s */
#define JITTER_HOLD_NS (10 * 1000 * 1000ull)
#define RCVBUF (16 << 20)

struct held {
	uint32_t id;
	uint64_t due_ns;
};

struct dq {
	struct nfq_q_handle *qh;
	struct lab_delay_queue cfg;
	struct lab_delay_stats *st;
	struct held *fifo;
	unsigned int head, tail;	/* head: oldest; tail: next free (mod FIFO_LEN) */
	uint64_t last_due, offset_until;
	int64_t offset_ns;
	uint64_t rng;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int64_t jitter_ns(struct dq *d, uint64_t now)
{
	uint64_t span = (uint64_t)d->cfg.jitter_us * 2000u + 1;

	if (d->cfg.jitter_us == 0)
		return 0;
	if (now >= d->offset_until) {
		d->offset_ns = (int64_t)(xorshift(&d->rng) % span) - (int64_t)d->cfg.jitter_us * 1000;
		d->offset_until = now + JITTER_HOLD_NS;
	}
	return d->offset_ns;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
		     void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	struct dq *d = data;
	uint64_t now = now_ns(), due;
	uint32_t id;

	(void)msg;
	if (!ph)
		return 0;
	id = ntohl(ph->packet_id);
	d->st->packets++;
	if (d->tail - d->head == FIFO_LEN) {	/* a full link buffer drops */
		d->st->dropped++;
		return nfq_set_verdict(qh, id, NF_DROP, 0, NULL) < 0 ? -1 : 0;
	}
	due = now + (uint64_t)d->cfg.delay_us * 1000u + (uint64_t)jitter_ns(d, now);
	if (due < d->last_due)
		due = d->last_due;
	d->last_due = due;
	d->fifo[d->tail++ % FIFO_LEN] = (struct held){ id, due };
	return 0;
}

/* Accept every packet of d that is due (all when all); the next due time, or UINT64_MAX. */
static uint64_t release(struct dq *d, uint64_t now, bool all)
{
	uint32_t last = 0;
	bool any = false;

	while (d->head != d->tail && (all || d->fifo[d->head % FIFO_LEN].due_ns <= now)) {
		const struct held *p = &d->fifo[d->head++ % FIFO_LEN];
		uint64_t late = now > p->due_ns ? now - p->due_ns : 0;

		last = p->id;
		any = true;
		if (all)
			continue;
		d->st->released++;
		d->st->late_sum_ns += late;
		d->st->late_max_ns = late > d->st->late_max_ns ? late : d->st->late_max_ns;
		d->st->late_over_1ms += late > 1000000;
	}
	/* Packet ids grow in a queue: one verdict for every id up to the last. */
	if (any && nfq_set_verdict_batch(d->qh, last, NF_ACCEPT) < 0)
		d->st->verdict_errors++;
	return d->head == d->tail ? UINT64_MAX : d->fifo[d->head % FIFO_LEN].due_ns;
}

static int open_queues(struct nfq_handle *h, struct dq *dqs, const struct lab_delay_queue *q,
		       int n, struct lab_delay_stats *st)
{
	for (int i = 0; i < n; i++) {
		struct dq *d = &dqs[i];

		d->cfg = q[i];
		d->st = st;
		d->rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)getpid() << 16) ^ now_ns() ^ (uint64_t)i;
		d->fifo = calloc(FIFO_LEN, sizeof(*d->fifo));
		if (!d->fifo)
			return -ENOMEM;
		d->qh = nfq_create_queue(h, (uint16_t)q[i].num, on_packet, d);
		if (!d->qh)
			return errno ? -errno : -EBUSY;
		if (nfq_set_mode(d->qh, NFQNL_COPY_META, 0) < 0 ||
		    nfq_set_queue_maxlen(d->qh, FIFO_LEN) < 0)
			return -EIO;
		/* Whole GSO packets: fewer messages (older kernels lack the flag). */
		nfq_set_queue_flags(d->qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
	}
	return 0;
}

static void receive(struct nfq_handle *h, int fd, char *buf, size_t len,
		    struct lab_delay_stats *st)
{
	for (int i = 0; i < 256; i++) {	/* bounded: the timers get their turn */
		ssize_t r = recv(fd, buf, len, MSG_DONTWAIT);

		if (r > 0) {
			nfq_handle_packet(h, buf, (int)r);
			continue;
		}
		if (r < 0 && errno == ENOBUFS) {
			st->overruns++;
			continue;
		}
		break;
	}
}

static void wait_next(int fd, uint64_t next, uint64_t now)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t left = next == UINT64_MAX ? 200000000ull : (next > now ? next - now : 0);
	struct timespec ts = { (time_t)(left / 1000000000ull), (long)(left % 1000000000ull) };

	ppoll(&pfd, 1, &ts, NULL);
}

int lab_delay_run(const struct lab_delay_queue *q, int n, volatile sig_atomic_t *stop,
		  struct lab_delay_stats *st)
{
	static char buf[1 << 16];
	struct nfq_handle *h;
	struct dq *dqs;
	int fd, one = 1, ret;

	if (n < 1 || n > LAB_PATHS_MAX)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	dqs = calloc((size_t)n, sizeof(*dqs));
	h = nfq_open();
	if (!dqs || !h) {
		ret = errno ? -errno : -ENOMEM;
		goto out;
	}
	prctl(PR_SET_TIMERSLACK, 1000UL);	/* 1 us, not the default 50 */
	/* A link's delay must not wait for busy CPUs: real-time priority where
	 * allowed (the loop sleeps between packets; best effort otherwise). */
	sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ .sched_priority = 10 });
	ret = open_queues(h, dqs, q, n, st);
	if (ret < 0)
		goto out;
	fd = nfq_fd(h);
	nfnl_rcvbufsiz(nfq_nfnlh(h), RCVBUF);
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	while (!*stop) {
		uint64_t now = now_ns(), next = UINT64_MAX;

		for (int i = 0; i < n; i++) {
			uint64_t t = release(&dqs[i], now, false);

			next = t < next ? t : next;
		}
		wait_next(fd, next, now);
		receive(h, fd, buf, sizeof(buf), st);
	}
	for (int i = 0; i < n; i++)
		release(&dqs[i], 0, true);
out:
	for (int i = 0; dqs && i < n; i++) {
		if (dqs[i].qh)
			nfq_destroy_queue(dqs[i].qh);
		free(dqs[i].fifo);
	}
	free(dqs);
	if (h)
		nfq_close(h);
	return ret;
}

bool lab_delay_available(void)
{
	return true;
}

#else

int lab_delay_run(const struct lab_delay_queue *q, int n, volatile sig_atomic_t *stop,
		  struct lab_delay_stats *st)
{
	(void)q;
	(void)n;
	(void)stop;
	(void)st;
	return -EOPNOTSUPP;
}

bool lab_delay_available(void)
{
	return false;
}

#endif
