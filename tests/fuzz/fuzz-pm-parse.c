// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the library's netlink decoding: the mptcp_pm
 * endpoint, limits and event decoders, the NLMSG_ERROR (extended ACK)
 * reader and the generic netlink family reply. The first input byte is
 * the kind the seed was captured as; every decoder sees every input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "pm-parse.h"

static void each_message(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;
	char msg[64];
	uint32_t group;
	uint16_t id;

	while (mpk_nl_msg_ok(nlh, left)) {
		if (nlh->nlmsg_type == NLMSG_ERROR)
			mpk_nl_parse_error(nlh, msg, sizeof(msg));
		else
			mpk_nl_parse_family(nlh, "mptcp_pm_events", &id, &group);
		nlh = mnl_nlmsg_next(nlh, &left);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *buf;

	if (size < 1 || size > 65536)
		return 0;
	/* netlink buffers are 4-byte aligned: the socket code reads into one */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	mpk_pm_parse_buffer(buf, size - 1, (char)data[0]);
	mpk_pm_parse_buffer(buf, size - 1, 'e');
	mpk_pm_parse_buffer(buf, size - 1, 'l');
	mpk_pm_parse_buffer(buf, size - 1, 'v');
	each_message(buf, size - 1);
	free(buf);
	return 0;
}
