/* Secret redaction. A process-wide, thread-safe registry of secret values, and a per-thread
 * scope for the literals of the test running there; every string that may reach any output
 * passes through ac_redact() first.
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

/* Registers a run-wide secret: redacted in every output of every test from now on, whatever
 * its length. Copies; empty ignored. For configured secrets and what derives from them. */
void ac_redact_add(const char *secret, size_t len);

/* Test scope. A literal written in a case file (not from a variable or a capture) is a secret
 * only inside its own test: ac_redact_test_begin() opens a scope on the calling thread (a test
 * runs on one worker thread), ac_redact_add_literal() adds to it, ac_redact() and
 * ac_redact_whole() on that thread apply it, and ac_redact_test_end() drops it. A literal of 8
 * bytes or more is then redacted (in every form) in the test's requests, responses, results and
 * report lines; a shorter one (client_secret: "*") is redacted nowhere by value, as it is no
 * secret that can be recognised without destroying ordinary text ("Access-Control-Allow-Origin:
 * *"); where it is sent in a secret-named form or query field, the excerpts mask it by name.
 * Without an open scope, a literal of 8 bytes or more is registered run-wide (the safe side). */
void ac_redact_test_begin(void);
void ac_redact_test_end(void);
void ac_redact_add_literal(const char *literal, size_t len);
/* True if value is a literal of the calling thread's current test (any length). */
bool ac_redact_is_test_literal(const char *value, size_t len);
/* A value the server sent under a secret-named key: registered run-wide, unless it is a literal
 * shorter than 8 bytes of the current test, echoed back. */
void ac_redact_add_from_server(const char *value, size_t len);

void ac_redact_reset(void);                             /* for tests */
/* Returns a new string (caller frees) with every registered secret replaced. */
char *ac_redact(const char *s, size_t len, size_t *out_len);
/* Redacts a single field value: if the whole value equals a secret of any length (or contains a
 * >= 8 byte one), returns the marker / redacted text. Caller frees. */
char *ac_redact_whole(const char *value, size_t len);
/* Registers every JSON string found under keys access_token, refresh_token, id_token,
 * client_secret, password (any depth) with ac_redact_add_from_server: for what a server sent. */
void ac_redact_scan_json(const struct cJSON *root);
/* True if name is one of the automatically secret keys/fields above (case-insensitive). */
bool ac_redact_is_secret_key(const char *name);
/* The marker for a secret (caller frees). */
char *ac_redact_marker(const char *secret, size_t len);

#endif
