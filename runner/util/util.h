/* Small shared helpers: files, clocks, base64, percent-encoding, UTF-8; with result/basics.h
 * (allocation, buffers, string lists), which it includes so every runner file sees both. */
#ifndef AC_UTIL_H
#define AC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include "basics.h"

/* Reads a whole file; returns NULL and sets *err (caller frees; "PATH: cannot open: ...") on
 * failure. */
char *ac_read_file(const char *path, size_t *len_out, char **err);
/* The same with a limit: more than max bytes is an error ("PATH: larger than N MiB: not WHAT"),
 * as is a directory ("PATH: is a directory, not WHAT"); what may be NULL. err may be NULL. */
char *ac_read_file_capped(const char *path, size_t max, const char *what, size_t *len_out, char **err);

/* Wall clock in seconds since the epoch (the monotonic ac_now_ms: basics.h). */
double ac_wall_time(void);
void ac_sleep_ms(double ms);

/* Base64 (standard, padded) and base64url (no padding). Encoders return malloc'd strings.
 * Decoders return malloc'd bytes (NUL-terminated for convenience) or NULL on invalid input. */
char *ac_base64_encode(const void *data, size_t n);
char *ac_base64url_encode(const void *data, size_t n);
unsigned char *ac_base64_decode(const char *s, size_t *out_len);     /* accepts missing padding */
unsigned char *ac_base64url_decode(const char *s, size_t *out_len);  /* accepts optional padding */

/* Percent-encoding per RFC 3986 unreserved set (application/x-www-form-urlencoded style is
 * the same except space, which we also encode as %20 to stay unambiguous). */
char *ac_urlencode(const char *s, size_t n);

/* Is s (len n) valid UTF-8? */
bool ac_utf8_valid(const char *s, size_t n);

#endif
