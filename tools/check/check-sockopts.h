/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpkit check --sockopts: which socket options this kernel's MPTCP takes. */
#ifndef MPTCPKIT_CHECK_SOCKOPTS_H
#define MPTCPKIT_CHECK_SOCKOPTS_H

/* Probe every known option live and print it (text or JSON); exit code:
 * 0, or 1 when MPTCP sockets cannot be created here. */
int check_sockopts(void);

#endif
