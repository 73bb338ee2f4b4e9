// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of endpoint flags and event types. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const flag_names[] = {
	"signal", "subflow", "backup", "fullmesh", "implicit", "laminar",
};
#define NFLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

MPK_EXPORT int mpk_endpoint_flag_from_name(const char *name, uint32_t *bit)
{
	for (size_t i = 0; i < NFLAGS; i++) {
		if (!strcmp(name, flag_names[i])) {
			*bit = 1u << i;
			return 0;
		}
	}
	return -EINVAL;
}

MPK_EXPORT const char *mpk_endpoint_flag_name(uint32_t bit)
{
	for (size_t i = 0; i < NFLAGS; i++) {
		if (bit == 1u << i)
			return flag_names[i];
	}
	return NULL;
}

MPK_EXPORT int mpk_endpoint_flags_format(uint32_t flags, const char *sep,
					 char *buf, size_t len)
{
	uint32_t known = (1u << NFLAGS) - 1;
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < NFLAGS; i++) {
		if (!(flags & (1u << i)))
			continue;
		n += snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
			      "%s%s", n ? sep : "", flag_names[i]);
	}
	if (flags & ~known)
		n += snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
			      "%s0x%x", n ? sep : "", flags & ~known);
	return (int)n;
}

MPK_EXPORT const char *mpk_pm_event_name(int type)
{
	switch (type) {
	case MPK_PM_EVENT_CREATED: return "created";
	case MPK_PM_EVENT_ESTABLISHED: return "established";
	case MPK_PM_EVENT_CLOSED: return "closed";
	case MPK_PM_EVENT_ANNOUNCED: return "announced";
	case MPK_PM_EVENT_REMOVED: return "removed";
	case MPK_PM_EVENT_SUB_ESTABLISHED: return "sub_established";
	case MPK_PM_EVENT_SUB_CLOSED: return "sub_closed";
	case MPK_PM_EVENT_SUB_PRIORITY: return "sub_priority";
	case MPK_PM_EVENT_LISTENER_CREATED: return "listener_created";
	case MPK_PM_EVENT_LISTENER_CLOSED: return "listener_closed";
	}
	return NULL;
}
