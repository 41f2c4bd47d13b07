/* The suite hash of a run record (record.h): SHA-256 over the manifest and every case file in
 * model order, each as its base name, its length in decimal and its bytes (a NUL after the
 * first two), so the same text in another folder hashes alike and a byte moved from one file
 * to the next does not. The loader feeds the bytes it already read; nothing is read twice. */
#ifndef AC_SUITE_HASH_H
#define AC_SUITE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>

/* Adds one input file (path: only its base name counts). Returns false when SHA-256 failed. */
bool ac_suite_hash_feed(EVP_MD_CTX *md, const char *path, const char *data, size_t len);

/* Writes "sha256:" and 64 hex digits of md's digest to out (NUL-terminated). Returns false, with
 * out = "", when SHA-256 failed. */
bool ac_suite_hash_final(EVP_MD_CTX *md, char out[72]);

#endif
