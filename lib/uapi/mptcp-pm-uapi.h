/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The generic netlink interface of the MPTCP path manager, from the kernel's
 * include/uapi/linux/mptcp_pm.h and mptcp.h as of Linux 6.18. Prefixed so it
 * never clashes with the system's <linux/mptcp.h> (Debian 12 has 6.1, which
 * agrees with every number below that it has, and lacks the listener events,
 * MPTCP_PM_ADDR_FLAG_LAMINAR and the event flags).
 */
#ifndef MPK_UAPI_MPTCP_PM_H
#define MPK_UAPI_MPTCP_PM_H

#define MPK_MPTCP_PM_NAME "mptcp_pm"
#define MPK_MPTCP_PM_EV_GRP_NAME "mptcp_pm_events"
#define MPK_MPTCP_PM_VER 1

enum {
	MPK_MPTCP_PM_CMD_UNSPEC,
	MPK_MPTCP_PM_CMD_ADD_ADDR,
	MPK_MPTCP_PM_CMD_DEL_ADDR,
	MPK_MPTCP_PM_CMD_GET_ADDR,
	MPK_MPTCP_PM_CMD_FLUSH_ADDRS,
	MPK_MPTCP_PM_CMD_SET_LIMITS,
	MPK_MPTCP_PM_CMD_GET_LIMITS,
	MPK_MPTCP_PM_CMD_SET_FLAGS,
	MPK_MPTCP_PM_CMD_ANNOUNCE,        /* 5.19: userspace PM from here on */
	MPK_MPTCP_PM_CMD_REMOVE,
	MPK_MPTCP_PM_CMD_SUBFLOW_CREATE,
	MPK_MPTCP_PM_CMD_SUBFLOW_DESTROY,
};

/* Top-level attributes of the commands. */
enum {
	MPK_MPTCP_PM_ATTR_UNSPEC,
	MPK_MPTCP_PM_ATTR_ADDR,           /* nested MPK_MPTCP_PM_ADDR_ATTR_* */
	MPK_MPTCP_PM_ATTR_RCV_ADD_ADDRS,  /* u32 */
	MPK_MPTCP_PM_ATTR_SUBFLOWS,       /* u32 */
	MPK_MPTCP_PM_ATTR_TOKEN,          /* u32 */
	MPK_MPTCP_PM_ATTR_LOC_ID,         /* u8 */
	MPK_MPTCP_PM_ATTR_ADDR_REMOTE,    /* nested MPK_MPTCP_PM_ADDR_ATTR_* */
	MPK_MPTCP_PM_ATTR_MAX = MPK_MPTCP_PM_ATTR_ADDR_REMOTE,
};

/* Inside MPK_MPTCP_PM_ATTR_ADDR(_REMOTE). Ports in host byte order here. */
enum {
	MPK_MPTCP_PM_ADDR_ATTR_UNSPEC,
	MPK_MPTCP_PM_ADDR_ATTR_FAMILY,    /* u16 */
	MPK_MPTCP_PM_ADDR_ATTR_ID,        /* u8 */
	MPK_MPTCP_PM_ADDR_ATTR_ADDR4,     /* struct in_addr */
	MPK_MPTCP_PM_ADDR_ATTR_ADDR6,     /* struct in6_addr */
	MPK_MPTCP_PM_ADDR_ATTR_PORT,      /* u16 */
	MPK_MPTCP_PM_ADDR_ATTR_FLAGS,     /* u32 */
	MPK_MPTCP_PM_ADDR_ATTR_IF_IDX,    /* s32 */
	MPK_MPTCP_PM_ADDR_ATTR_MAX = MPK_MPTCP_PM_ADDR_ATTR_IF_IDX,
};

#define MPK_MPTCP_PM_ADDR_FLAG_SIGNAL   (1u << 0)
#define MPK_MPTCP_PM_ADDR_FLAG_SUBFLOW  (1u << 1)
#define MPK_MPTCP_PM_ADDR_FLAG_BACKUP   (1u << 2)
#define MPK_MPTCP_PM_ADDR_FLAG_FULLMESH (1u << 3)
#define MPK_MPTCP_PM_ADDR_FLAG_IMPLICIT (1u << 4)
#define MPK_MPTCP_PM_ADDR_FLAG_LAMINAR  (1u << 5) /* 6.18 */

#define MPK_MPTCP_PM_EV_FLAG_DENY_JOIN_ID0 (1u << 0)
#define MPK_MPTCP_PM_EV_FLAG_SERVER_SIDE   (1u << 1)

/* Event types (the generic netlink command of an event message). */
enum {
	MPK_MPTCP_EVENT_UNSPEC,
	MPK_MPTCP_EVENT_CREATED,
	MPK_MPTCP_EVENT_ESTABLISHED,
	MPK_MPTCP_EVENT_CLOSED,
	MPK_MPTCP_EVENT_ANNOUNCED = 6,
	MPK_MPTCP_EVENT_REMOVED,
	MPK_MPTCP_EVENT_SUB_ESTABLISHED = 10,
	MPK_MPTCP_EVENT_SUB_CLOSED,
	MPK_MPTCP_EVENT_SUB_PRIORITY = 13,
	MPK_MPTCP_EVENT_LISTENER_CREATED = 15, /* 6.2 */
	MPK_MPTCP_EVENT_LISTENER_CLOSED,
};

/* Event attributes. Ports in network byte order here. */
enum {
	MPK_MPTCP_ATTR_UNSPEC,
	MPK_MPTCP_ATTR_TOKEN,        /* u32 */
	MPK_MPTCP_ATTR_FAMILY,       /* u16 */
	MPK_MPTCP_ATTR_LOC_ID,       /* u8 */
	MPK_MPTCP_ATTR_REM_ID,       /* u8 */
	MPK_MPTCP_ATTR_SADDR4,       /* be32 */
	MPK_MPTCP_ATTR_SADDR6,       /* struct in6_addr */
	MPK_MPTCP_ATTR_DADDR4,       /* be32 */
	MPK_MPTCP_ATTR_DADDR6,       /* struct in6_addr */
	MPK_MPTCP_ATTR_SPORT,        /* be16 */
	MPK_MPTCP_ATTR_DPORT,        /* be16 */
	MPK_MPTCP_ATTR_BACKUP,       /* u8 */
	MPK_MPTCP_ATTR_ERROR,        /* u8 */
	MPK_MPTCP_ATTR_FLAGS,        /* u16 */
	MPK_MPTCP_ATTR_TIMEOUT,      /* u32 */
	MPK_MPTCP_ATTR_IF_IDX,       /* s32 */
	MPK_MPTCP_ATTR_RESET_REASON, /* u32 */
	MPK_MPTCP_ATTR_RESET_FLAGS,  /* u32 */
	MPK_MPTCP_ATTR_SERVER_SIDE,  /* u8 */
	MPK_MPTCP_ATTR_MAX = MPK_MPTCP_ATTR_SERVER_SIDE,
};

#endif
