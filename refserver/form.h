/* form: application/x-www-form-urlencoded parsing (RFC 6749 appendix B) and UTF-8 validation. */
#ifndef RS_FORM_H
#define RS_FORM_H

#include <stdbool.h>
#include <stddef.h>

/* One decoded name=value pair; the form owns both strings. */
typedef struct rs_form_param {
  char *name;
  char *value;
} rs_form_param;

/* A parsed form; owns its params. A zero-initialised form is empty and valid. */
typedef struct rs_form {
  rs_form_param *params;
  size_t n;
} rs_form;

typedef enum rs_form_status {
  FORM_OK,
  FORM_BAD_ENCODING, /* bad %-escape, a decoded NUL byte, or invalid UTF-8 */
  FORM_DUPLICATE,    /* a parameter given twice (RFC 6749 3.2 forbids it) */
  FORM_NOMEM
} rs_form_status;

/* Parses len bytes of data into *out (which the caller zero-initialises and frees with
 * rs_form_free, also after a failure). '+' decodes to a space. Empty pairs ("a=1&&b=2") are
 * skipped. A decoded NUL byte is FORM_BAD_ENCODING, unless nul_ends_value: then it is kept, and
 * ends the value as a C string (only the deviation cred-near-nul wants that). */
rs_form_status rs_form_parse(const char *data, size_t len, bool nul_ends_value, rs_form *out);

/* Appends a copy of name and value; used to build a form from other sources. 0 or -1 (memory). */
int rs_form_add(rs_form *f, const char *name, const char *value);

/* The value of name, or NULL when absent. The pointer lives as long as the form. */
const char *rs_form_get(const rs_form *f, const char *name);

/* Frees the params and leaves an empty form. Accepts NULL. */
void rs_form_free(rs_form *f);

/* Percent-decodes in[0..len) into a new NUL-terminated string (caller frees) and checks that the
 * result is UTF-8 without NUL bytes (a %00 is kept, cutting the string short, when
 * nul_ends_value). Returns FORM_OK, FORM_BAD_ENCODING or FORM_NOMEM. */
rs_form_status rs_form_decode(const char *in, size_t len, bool plus_is_space, bool nul_ends_value,
                              char **out);

/* True when data[0..len) holds a '%' that is not followed by two hex digits (used to tell the
 * kinds of FORM_BAD_ENCODING apart). */
bool rs_form_bad_escape(const char *data, size_t len);

/* True when the media type of the Content-Type value ct is type, ignoring case and parameters
 * such as charset. */
bool rs_form_media_type_is(const char *ct, const char *type);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
bool rs_utf8_valid(const char *s, size_t len);

#endif
