/* The suite hash: SHA-256 over every input file of a run as the loader read it (suite_hash.h). */
#include "suite_hash.h"

#include <stdio.h>
#include <string.h>

bool ac_suite_hash_feed(EVP_MD_CTX *md, const char *path, const char *data, size_t len)
{
    char head[64];
    int n = snprintf(head, sizeof head, "%zu", len);
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    return EVP_DigestUpdate(md, name, strlen(name) + 1) && EVP_DigestUpdate(md, head, (size_t)n + 1) &&
           EVP_DigestUpdate(md, data, len);
}

bool ac_suite_hash_final(EVP_MD_CTX *md, char out[72])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    out[0] = '\0';
    if (!EVP_DigestFinal_ex(md, digest, &dlen) || dlen != 32) return false;
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < dlen; i++) snprintf(out + 7 + 2 * i, 3, "%02x", digest[i]);
    return true;
}
