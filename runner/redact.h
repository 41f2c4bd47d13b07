/* Secret redaction. A process-wide, thread-safe registry of secret values; every string that
 * may reach any output passes through ac_redact() first.
 *
 * Each registered secret is searched for in several forms: raw, percent-encoded (upper and
 * lower case hex, and '+' for space), JSON-escaped, and base64/base64url (at all three byte
 * alignments, so a secret inside "Basic base64(user:pass)" is found). Each occurrence becomes
 * "[redacted:XXXX]" where XXXX is a short fingerprint (first 4 hex of SHA-256 of the secret), so
 * two occurrences of the same secret can be matched by a reader without revealing it.
 * Secrets shorter than 8 bytes are not searched as substrings (they would destroy ordinary
 * text); ac_redact_whole() redacts them where they stand whole (header value, form field). */
#ifndef AC_REDACT_H
#define AC_REDACT_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

void ac_redact_add(const char *secret, size_t len);     /* copies; empty ignored */
void ac_redact_reset(void);                             /* for tests */
/* Returns a new string (caller frees) with every registered secret replaced. */
char *ac_redact(const char *s, size_t len, size_t *out_len);
/* Redacts a single field value: if the whole value equals a secret of any length (or contains a
 * >= 8 byte one), returns the marker / redacted text. Caller frees. */
char *ac_redact_whole(const char *value, size_t len);
/* Registers every JSON string found under keys access_token, refresh_token, id_token,
 * client_secret, password (any depth). */
void ac_redact_scan_json(const struct cJSON *root);
/* True if name is one of the automatically secret keys/fields above (case-insensitive). */
bool ac_redact_is_secret_key(const char *name);
/* The marker for a secret (caller frees). */
char *ac_redact_marker(const char *secret, size_t len);

#endif
