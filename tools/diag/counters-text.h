/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MPTcpExt counters and their notes in words, printed through print.c:
 * for 'mptcpkit counters' and 'mptcpkit check'. */
#ifndef MPTCPKIT_COUNTERS_TEXT_H
#define MPTCPKIT_COUNTERS_TEXT_H

#include <stdbool.h>

#include "counters-explain.h"
#include "netstat.h"

/* A one-line description of a counter the kernel documents; NULL when the
 * counter is not known here (it is shown raw all the same). */
const char *counter_describe(const char *name);

/* The stable id of a note kind ("syn-no-mp-capable", ...). */
const char *counter_note_id(enum counter_note_kind kind);

/* The note in words into buf. */
void counter_note_text(const struct counter_note *n, char *buf, size_t len);

/* "counters": { NAME: VALUE, ... } (text: one line each, with the
 * description); zero ones only when all is true. */
void counters_print(const struct netstat *s, bool all);

/* KEY: [ { "id", "text" } ] under the heading HEADING (text). */
void counters_print_notes(const struct netstat *s, const char *key, const char *heading);

/* The notes of the counters since boot, for 'mptcpkit check' (key
 * "counter_notes"; null when the counters cannot be read). */
void counters_print_check(void);

#endif
