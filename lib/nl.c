// SPDX-License-Identifier: LGPL-2.1-or-later
/* Generic netlink requests over libmnl, with extended ACK messages kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"

int mpk_nl_attrs_complete(const void *payload, size_t len)
{
	const struct nlattr *attr;
	size_t used = 0;

	mnl_attr_for_each_payload(payload, len) {
		used = (const char *)attr - (const char *)payload +
		       MNL_ALIGN(attr->nla_len);
	}
	/* the last attribute may lack its padding; anything more is junk */
	if (used < len)
		return -EBADMSG;
	return 0;
}

bool mpk_nl_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return mnl_nlmsg_ok(nlh, len) && nlh->nlmsg_len <= (uint32_t)len;
}

int mpk_nl_messages_complete(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	if (len > INT32_MAX)
		return -EBADMSG;
	while (mpk_nl_msg_ok(nlh, left))
		nlh = mnl_nlmsg_next(nlh, &left);
	/* left < 0: the last message's length is not a multiple of 4, and
	 * libmnl's attribute walk runs to its aligned end, past the buffer
	 * (the kernel pads every message; found by fuzz-diag-parse). */
	return left != 0 ? -EBADMSG : 0;
}

static void copy_ext_ack(const struct nlmsghdr *nlh, size_t offset,
			 char *msg, size_t msglen)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		if (msg && msglen) {
			strncpy(msg, mnl_attr_get_str(attr), msglen - 1);
			msg[msglen - 1] = '\0';
		}
	}
}

int mpk_nl_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);

	if (msg && msglen)
		msg[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	if (err->error > 0 || err->error < -4095)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    offset <= nlh->nlmsg_len - MNL_NLMSG_HDRLEN &&
	    err->msg.nlmsg_len >= sizeof(struct nlmsghdr))
		copy_ext_ack(nlh, MNL_ALIGN(offset), msg, msglen);
	return err->error;
}

struct family_parse {
	const char *group;
	uint16_t id;
	uint32_t group_id;
	bool have_id;
};

static int group_cb(const struct nlattr *grp, struct family_parse *fp)
{
	const struct nlattr *attr;
	const char *name = NULL;
	uint32_t id = 0;

	if (mnl_attr_validate(grp, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	mnl_attr_for_each_nested(attr, grp) {
		int type = mnl_attr_get_type(attr);

		if (type == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(attr);
		else if (type == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(attr);
	}
	if (name && fp->group && !strcmp(name, fp->group))
		fp->group_id = id;
	return 0;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_parse *fp = data;
	const struct nlattr *grp;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		fp->id = mnl_attr_get_u16(attr);
		fp->have_id = true;
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		mnl_attr_for_each_nested(grp, attr) {
			if (group_cb(grp, fp) < 0)
				return MNL_CB_ERROR;
		}
		break;
	}
	return MNL_CB_OK;
}

int mpk_nl_parse_family(const struct nlmsghdr *nlh, const char *group,
			uint16_t *id, uint32_t *group_id)
{
	struct family_parse fp = { .group = group };
	size_t hdr = MNL_NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	if (mpk_nl_attrs_complete((const char *)nlh + hdr, nlh->nlmsg_len - hdr) < 0)
		return -EBADMSG;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, &fp) != MNL_CB_OK ||
	    !fp.have_id)
		return -EBADMSG;
	*id = fp.id;
	if (group_id)
		*group_id = fp.group_id;
	return 0;
}

struct talk {
	struct mpk_nl *nl;
	mpk_nl_msg_cb cb;
	void *data;
	int err;
	bool ignore; /* the callback is done: read on to the end, ignoring */
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int ret;

	if (!t->cb || t->ignore)
		return MNL_CB_OK;
	ret = t->cb(nlh, t->data);
	if (ret < 0) {
		t->err = ret;
		return MNL_CB_ERROR;
	}
	/* stopping here would leave the rest of a dump and the ACK queued */
	t->ignore = ret > 0;
	return MNL_CB_OK;
}

static int talk_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int err = mpk_nl_parse_error(nlh, t->nl->ext_ack, sizeof(t->nl->ext_ack));

	if (err == 0)
		return MNL_CB_STOP;
	t->err = err;
	return MNL_CB_ERROR;
}

static int talk_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	/* a dump that failed half-way says so in NLMSG_DONE's payload */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0 && err >= -4095) {
			t->err = err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int talk_noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static int talk_overrun_cb(const struct nlmsghdr *nlh, void *data)
{
	((struct talk *)data)->err = -ENOBUFS;
	return MNL_CB_ERROR;
}

static mnl_cb_t talk_ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = talk_noop_cb,
	[NLMSG_ERROR] = talk_error_cb,
	[NLMSG_DONE] = talk_done_cb,
	[NLMSG_OVERRUN] = talk_overrun_cb,
};

/* Replies left over by a request that failed half-way would otherwise be
 * read as the answer to the next one. */
static void drain(struct mpk_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock);

	for (int i = 0; i < 1024; i++) {
		if (recv(fd, nl->buf, MPK_NL_BUFSIZE, MSG_DONTWAIT) < 0)
			break;
	}
}

int mpk_nl_talk(struct mpk_nl *nl, struct nlmsghdr *req, mpk_nl_msg_cb cb, void *data)
{
	struct talk t = { .nl = nl, .cb = cb, .data = data };
	int ret;

	nl->ext_ack[0] = '\0';
	drain(nl);
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, MPK_NL_BUFSIZE);

		if (n < 0)
			return -errno;
		if (mpk_nl_messages_complete(nl->buf, (size_t)n) < 0)
			return -EBADMSG;
		t.err = 0;
		ret = mnl_cb_run2(nl->buf, n, req->nlmsg_seq, nl->portid,
				  talk_data_cb, &t, talk_ctl, NLMSG_MIN_TYPE);
	} while (ret == MNL_CB_OK);
	if (ret == MNL_CB_ERROR)
		return t.err ? t.err : (errno ? -errno : -EPROTO);
	return 0;
}

struct nlmsghdr *mpk_nl_request(struct mpk_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	/* libmnl 1.0.4 leaves attribute padding as it was: send no garbage */
	memset(nl->buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

struct resolve_ctx {
	const char *group;
	uint16_t id;
	uint32_t group_id;
};

static int family_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct resolve_ctx *ctx = data;

	return mpk_nl_parse_family(nlh, ctx->group, &ctx->id, &ctx->group_id);
}

/* The family's id (and group's): -ENOENT when the kernel lacks the family,
 * -ENOENT too when it lacks the group asked for. */
static int resolve(struct mpk_nl *nl, const char *family, const char *group)
{
	struct resolve_ctx ctx = { .group = group };
	struct nlmsghdr *nlh;
	int ret;

	nl->family = GENL_ID_CTRL;
	nlh = mpk_nl_request(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	ret = mpk_nl_talk(nl, nlh, family_reply_cb, &ctx);
	if (ret < 0)
		return ret;
	if (!ctx.id || (group && !ctx.group_id))
		return -ENOENT;
	nl->family = ctx.id;
	nl->events_group = ctx.group_id;
	return 0;
}

int mpk_nl_open(struct mpk_nl *nl, int sock_flags, const char *family,
		const char *group)
{
	int one = 1;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->buf = malloc(MPK_NL_BUFSIZE);
	if (!nl->buf)
		return -ENOMEM;
	nl->sock = mnl_socket_open2(NETLINK_GENERIC, sock_flags);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mpk_nl_close(nl);
		return ret;
	}
	/* error messages from the kernel, without the request echoed back */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	ret = resolve(nl, family, group);
	if (ret < 0)
		mpk_nl_close(nl);
	return ret;
}

void mpk_nl_close(struct mpk_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}
