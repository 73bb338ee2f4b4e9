/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared infrastructure: the monotonic clock, for timeouts and rates. */
#ifndef MPTCPKIT_CLOCK_H
#define MPTCPKIT_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in seconds and in milliseconds. */
double clock_mono_s(void);
uint64_t clock_mono_ms(void);
/* CPU time of the calling thread, in microseconds. */
uint64_t clock_cpu_us(void);

#endif
