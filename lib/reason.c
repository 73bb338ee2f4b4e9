// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reason names, their sentences, and error text. */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "internal.h"

static const struct {
	const char *name;
	const char *sentence;
} reasons[MPK_REASON_COUNT] = {
	[MPK_REASON_AVAILABLE] = { "available", "MPTCP is in use" },
	[MPK_REASON_KERNEL_TOO_OLD] = { "kernel-too-old",
		"the kernel is too old for MPTCP (Linux 5.6 or later is needed)" },
	[MPK_REASON_NOT_COMPILED] = { "not-compiled",
		"the kernel was built without MPTCP support (CONFIG_MPTCP)" },
	[MPK_REASON_DISABLED] = { "disabled",
		"MPTCP is disabled in this network namespace (sysctl net.mptcp.enabled = 0)" },
	[MPK_REASON_BLOCKED] = { "blocked",
		"MPTCP sockets are blocked on this system (by SELinux, seccomp, eBPF or similar)" },
	[MPK_REASON_FALLBACK] = { "fallback",
		"the connection fell back to TCP (the peer or a middlebox does not support MPTCP)" },
};

MPK_EXPORT const char *mpk_reason_name(enum mpk_reason reason)
{
	if ((unsigned int)reason >= MPK_REASON_COUNT)
		return NULL;
	return reasons[reason].name;
}

MPK_EXPORT const char *mpk_reason_describe(enum mpk_reason reason)
{
	if ((unsigned int)reason >= MPK_REASON_COUNT)
		return "unknown reason";
	return reasons[reason].sentence;
}

MPK_EXPORT int mpk_reason_from_name(const char *name, enum mpk_reason *reason)
{
	if (!name || !reason)
		return -EINVAL;
	for (int i = 0; i < MPK_REASON_COUNT; i++) {
		if (strcmp(name, reasons[i].name) == 0) {
			*reason = (enum mpk_reason)i;
			return 0;
		}
	}
	return -EINVAL;
}

MPK_EXPORT enum mpk_reason mpk_reason_from_errno(int err)
{
	switch (err) {
	case 0:
		return MPK_REASON_AVAILABLE;
	case EINVAL:
		return MPK_REASON_KERNEL_TOO_OLD;
	case EPROTONOSUPPORT:
		return MPK_REASON_NOT_COMPILED;
	case ENOPROTOOPT:
		return MPK_REASON_DISABLED;
	default:
		return MPK_REASON_BLOCKED;
	}
}

void mpk_status_set(struct mpk_status *status, enum mpk_reason reason, int err)
{
	if (!status)
		return;
	status->reason = reason;
	status->error = err;
	status->mptcp = reason == MPK_REASON_AVAILABLE;
}

MPK_EXPORT const char *mpk_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case MPK_EHOSTNOTFOUND:
		return "host not found";
	case MPK_ESERVICE:
		return "invalid service or port";
	case MPK_ERESOLVE:
		return "name resolution failed";
	default:
		/* strerror() is not thread-safe in general, but glibc's returns
		 * static text for every known errno. */
		return strerror(err);
	}
}

MPK_EXPORT const char *mpk_version(void)
{
	return MPK_VERSION;
}
