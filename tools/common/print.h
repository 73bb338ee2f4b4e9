/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text and JSON from the same calls (after iproute2's print_*()):
 * print_string("reason", "reason %s\n", name) prints the text with fmt in
 * text mode and adds "reason": name to the current JSON object in JSON mode.
 * A NULL fmt prints nothing in text mode; a NULL key nothing in JSON mode.
 * Objects and arrays nest; when the outermost closes, it is written to
 * stdout as one line of JSON (so `monitor` prints one object per line).
 */
#ifndef MPTCPKIT_PRINT_H
#define MPTCPKIT_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void print_set_json(bool on);
bool print_is_json(void);

/* Where finished JSON lines and text go (stdout by default). */
void print_set_stream(FILE *f);

void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

void print_string(const char *key, const char *fmt, const char *val);
void print_int(const char *key, const char *fmt, int64_t val);
void print_uint(const char *key, const char *fmt, uint64_t val);
void print_double(const char *key, const char *fmt, double val);
void print_bool(const char *key, const char *fmt, bool val);
void print_null(const char *key, const char *fmt);

/* Text-only output (ignored in JSON mode). */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
