/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the path-manager files of the library. */
#ifndef MPK_PM_INTERNAL_H
#define MPK_PM_INTERNAL_H

#include "mptcpkit.h"
#include "nl.h"

struct mpk_pm {
	struct mpk_nl nl;
};

struct mpk_pm_events {
	struct mpk_nl nl;
};

/* Start a request for cmd in the handle's buffer. */
struct nlmsghdr *mpk_pm_request(struct mpk_pm *pm, uint8_t cmd, uint16_t flags);

/* Send a command whose one attribute is the address ep. */
int mpk_pm_addr_cmd(struct mpk_pm *pm, uint8_t cmd, const struct mpk_endpoint *ep,
		    bool force_flags);

#endif
