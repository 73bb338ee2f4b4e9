// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the diag engine's decoding of sock_diag replies
 * (tools/diag/diag-parse.c): every message of the input goes through both the
 * MPTCP-socket and the TCP-subflow decoder. Seeds: tests/fuzz/corpus-diag,
 * captured from a kernel by capture-diag.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "diag-parse.h"
#include "nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct diag_subflow sf;
	struct diag_conn c;
	void *buf;
	int left = (int)size;

	if (size > 65536)
		return 0;
	/* as the engine: mpk_nl_messages_complete() before decoding */
	if (mpk_nl_messages_complete(data, size) < 0)
		return 0;
	/* netlink buffers are 4-byte aligned: the engine reads into one */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (nlh = buf; mpk_nl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		diag_parse_conn(nlh, &c);
		diag_parse_subflow(nlh, &sf);
	}
	free(buf);
	return 0;
}
