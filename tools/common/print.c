// SPDX-License-Identifier: GPL-2.0-or-later
/* One set of print calls for text and JSON output, JSON through json-c. */
#include <stdarg.h>
#include <json-c/json.h>

#include "print.h"

/* The format strings come from the callers, as with printf itself. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define DEPTH_MAX 16

static bool json_mode;
static FILE *out_stream;
static struct json_object *stack[DEPTH_MAX];
static const char *stack_key[DEPTH_MAX];
static int depth;

void print_set_json(bool on)
{
	json_mode = on;
}

bool print_is_json(void)
{
	return json_mode;
}

void print_set_stream(FILE *f)
{
	out_stream = f;
}

static FILE *stream(void)
{
	return out_stream ? out_stream : stdout;
}

/* Attach a value to the object or array being built, or write it out. */
static void attach(const char *key, struct json_object *val)
{
	struct json_object *top;

	if (depth == 0) {
		fprintf(stream(), "%s\n", json_object_to_json_string_ext(val,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stream());
		json_object_put(val);
		return;
	}
	top = stack[depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, val);
	else
		json_object_object_add(top, key ? key : "?", val);
}

static void open_container(const char *key, struct json_object *c)
{
	if (depth == DEPTH_MAX) {
		json_object_put(c);
		return;
	}
	stack_key[depth] = key;
	stack[depth++] = c;
}

static void close_container(void)
{
	struct json_object *c;

	if (depth == 0)
		return;
	c = stack[--depth];
	attach(stack_key[depth], c);
}

void print_open_object(const char *key)
{
	if (json_mode)
		open_container(key, json_object_new_object());
}

void print_close_object(void)
{
	if (json_mode)
		close_container();
}

void print_open_array(const char *key)
{
	if (json_mode)
		open_container(key, json_object_new_array());
}

void print_close_array(void)
{
	if (json_mode)
		close_container();
}

#define PRINT_BODY(jsonval, textval)                       \
	do {                                               \
		if (json_mode) {                           \
			if (key)                           \
				attach(key, (jsonval));    \
		} else if (fmt) {                          \
			fprintf(stream(), fmt, (textval)); \
		}                                          \
	} while (0)

void print_string(const char *key, const char *fmt, const char *val)
{
	PRINT_BODY(json_object_new_string(val ? val : ""), val ? val : "");
}

void print_int(const char *key, const char *fmt, int64_t val)
{
	PRINT_BODY(json_object_new_int64(val), val);
}

void print_uint(const char *key, const char *fmt, uint64_t val)
{
	PRINT_BODY(json_object_new_uint64(val), val);
}

void print_double(const char *key, const char *fmt, double val)
{
	PRINT_BODY(json_object_new_double(val), val);
}

void print_bool(const char *key, const char *fmt, bool val)
{
	PRINT_BODY(json_object_new_boolean(val), val ? "yes" : "no");
}

void print_null(const char *key, const char *fmt)
{
	if (json_mode) {
		if (key)
			attach(key, NULL);
	} else if (fmt) {
		fputs(fmt, stream());
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vfprintf(stream(), fmt, ap);
	va_end(ap);
}
