/* b64: base64url without padding (JWT segments) and standard base64 (HTTP Basic credentials). */
#ifndef RS_B64_H
#define RS_B64_H

#include <stdbool.h>
#include <stddef.h>

/* True when every byte of s[0..len) is in the base64url alphabet (A-Z a-z 0-9 - _). */
bool rs_b64url_alphabet(const char *s, size_t len);

/* Encodes data as base64url without padding. Returns a NUL-terminated string the caller frees,
 * or NULL when out of memory. */
char *rs_b64url_encode(const unsigned char *data, size_t len);

/* Decodes unpadded base64url strictly: only the alphabet, no '=', no impossible length, and the
 * unused low bits of the last character must be zero, so every byte string has exactly one
 * accepted encoding. On success returns 0 and *out (caller frees, NUL-terminated for convenience)
 * holds *out_len bytes; returns -1 on bad input or no memory. */
int rs_b64url_decode(const char *s, size_t len, unsigned char **out, size_t *out_len);

/* Decodes standard base64 (RFC 4648 section 4, padding required when the length needs it).
 * Same ownership and result as rs_b64url_decode. */
int rs_b64std_decode(const char *s, size_t len, unsigned char **out, size_t *out_len);

#endif
