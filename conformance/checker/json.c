/* Streaming JSON writer. Strings are byte strings: valid UTF-8 sequences pass
 * through unchanged, anything else (a stray byte of a non-UTF-8 file name or
 * environment value) is written as \u00XX so the output always parses. */
#include "json.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64

static int has_items[MAX_DEPTH];
static int depth;
static int after_key;

/* Writes the separator a new value or key needs at the current depth. */
static void separate(void)
{
	if (after_key) {
		after_key = 0;
		return;
	}
	if (depth > 0) {
		if (has_items[depth])
			putchar(',');
		has_items[depth] = 1;
	}
}

static void open_level(char c)
{
	separate();
	putchar(c);
	if (depth + 1 < MAX_DEPTH)
		depth++;
	has_items[depth] = 0;
}

static void close_level(char c)
{
	putchar(c);
	if (depth > 0)
		depth--;
}

void j_obj_begin(void) { open_level('{'); }
void j_obj_end(void) { close_level('}'); }
void j_arr_begin(void) { open_level('['); }
void j_arr_end(void) { close_level(']'); }

/* Length of the valid UTF-8 sequence starting at s, or 0 if s does not start
 * one (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0;
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void write_string(const unsigned char *s, size_t n)
{
	size_t i = 0, len;

	putchar('"');
	while (i < n) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			putchar('\\');
			putchar(c);
		} else if (c == '\n') {
			fputs("\\n", stdout);
		} else if (c == '\t') {
			fputs("\\t", stdout);
		} else if (c == '\r') {
			fputs("\\r", stdout);
		} else if (c < 0x20 || c == 0x7f) {
			printf("\\u%04x", c);
		} else if (c < 0x80) {
			putchar(c);
		} else if ((len = utf8_len(s + i, n - i)) > 0) {
			fwrite(s + i, 1, len, stdout);
			i += len;
			continue;
		} else {
			printf("\\u%04x", c);
		}
		i++;
	}
	putchar('"');
}

void j_key(const char *key)
{
	separate();
	write_string((const unsigned char *)key, strlen(key));
	putchar(':');
	after_key = 1;
}

void j_strn(const void *bytes, size_t len)
{
	separate();
	write_string(bytes, len);
}

void j_str(const char *s)
{
	if (!s) {
		j_null();
		return;
	}
	j_strn(s, strlen(s));
}

void j_int(long long v)
{
	separate();
	printf("%lld", v);
}

void j_uint(unsigned long long v)
{
	separate();
	printf("%llu", v);
}

void j_double(double v)
{
	separate();
	printf("%.15g", v);
}

void j_bool(int v)
{
	separate();
	fputs(v ? "true" : "false", stdout);
}

void j_null(void)
{
	separate();
	fputs("null", stdout);
}

void j_flush(void) { fflush(stdout); }

void j_kstr(const char *key, const char *s) { j_key(key); j_str(s); }
void j_kstrn(const char *key, const void *b, size_t n) { j_key(key); j_strn(b, n); }
void j_kint(const char *key, long long v) { j_key(key); j_int(v); }
void j_kuint(const char *key, unsigned long long v) { j_key(key); j_uint(v); }
void j_kbool(const char *key, int v) { j_key(key); j_bool(v); }
void j_knull(const char *key) { j_key(key); j_null(); }
