// SPDX-License-Identifier: GPL-2.0-or-later
/* TCP state names, as iproute2's ss shows them. */
#include <errno.h>
#include <string.h>
#include <netinet/tcp.h>

#include "diag-names.h"

static const struct {
	const char *shortname, *name;
} states[] = {
	[TCP_ESTABLISHED] = { "ESTAB", "established" },
	[TCP_SYN_SENT] = { "SYN-SENT", "syn-sent" },
	[TCP_SYN_RECV] = { "SYN-RECV", "syn-recv" },
	[TCP_FIN_WAIT1] = { "FIN-WAIT-1", "fin-wait-1" },
	[TCP_FIN_WAIT2] = { "FIN-WAIT-2", "fin-wait-2" },
	[TCP_TIME_WAIT] = { "TIME-WAIT", "time-wait" },
	[TCP_CLOSE] = { "UNCONN", "closed" },
	[TCP_CLOSE_WAIT] = { "CLOSE-WAIT", "close-wait" },
	[TCP_LAST_ACK] = { "LAST-ACK", "last-ack" },
	[TCP_LISTEN] = { "LISTEN", "listening" },
	[TCP_CLOSING] = { "CLOSING", "closing" },
};

#define NSTATES (sizeof(states) / sizeof(states[0]))

const char *diag_state_short(uint8_t state)
{
	return state < NSTATES && states[state].shortname ? states[state].shortname : "?";
}

const char *diag_state_name(uint8_t state)
{
	return state < NSTATES && states[state].name ? states[state].name : "unknown";
}

int diag_state_parse(const char *name, uint8_t *state)
{
	for (uint8_t i = 0; i < NSTATES; i++) {
		if (states[i].name && !strcmp(states[i].name, name)) {
			*state = i;
			return 0;
		}
	}
	return -EINVAL;
}
