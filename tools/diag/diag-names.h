/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names for what the diag engine reports: TCP states as ss writes them
 * (short for text, long for JSON and filters), and why a connection fell
 * back. Sentences are made here, at the edge; decisions use the enums. */
#ifndef MPTCPKIT_DIAG_NAMES_H
#define MPTCPKIT_DIAG_NAMES_H

#include <stdint.h>

/* "ESTAB", "SYN-SENT", ... ("?" when unknown). */
const char *diag_state_short(uint8_t state);
/* "established", "syn-sent", ... ("unknown" when unknown). */
const char *diag_state_name(uint8_t state);
/* A long name into a TCP_* state; 0 and *state, or -EINVAL. */
int diag_state_parse(const char *name, uint8_t *state);

#endif
