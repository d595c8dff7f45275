/* A streaming JSON writer on stdout: callers emit values in order and the
 * writer inserts commas, so probes never build strings by hand. */
#ifndef CHECKER_JSON_H
#define CHECKER_JSON_H

#include <stddef.h>

void j_obj_begin(void);
void j_obj_end(void);
void j_arr_begin(void);
void j_arr_end(void);
void j_key(const char *key);
void j_strn(const void *bytes, size_t len);
void j_str(const char *s);           /* NULL prints null */
void j_int(long long v);
void j_uint(unsigned long long v);
void j_double(double v);
void j_bool(int v);
void j_null(void);
void j_flush(void);

/* key + value in one call, for the common flat fields */
void j_kstr(const char *key, const char *s);
void j_kstrn(const char *key, const void *bytes, size_t len);
void j_kint(const char *key, long long v);
void j_kuint(const char *key, unsigned long long v);
void j_kbool(const char *key, int v);
void j_knull(const char *key);

#endif
