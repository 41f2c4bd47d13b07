/* Versions of the program and of the libraries that decide how it talks to a target, for
 * --version and the run record. */
#ifndef AC_VERSION_H
#define AC_VERSION_H

#include <stdio.h>

/* "7.88.1": the libcurl the program runs with (not the one it was built against). Static. */
const char *ac_version_libcurl(void);
/* "OpenSSL/3.0.11": the TLS library libcurl uses, or "none". Static. */
const char *ac_version_tls(void);
/* The three lines of --version: program, libcurl, TLS library. */
void ac_version_print(FILE *out);

#endif
