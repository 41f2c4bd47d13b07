/* Library versions from libcurl's run-time information. */
#include "version.h"

#include <curl/curl.h>

const char *ac_version_libcurl(void)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    return v && v->version ? v->version : "unknown";
}

const char *ac_version_tls(void)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    return v && v->ssl_version && *v->ssl_version ? v->ssl_version : "none";
}

void ac_version_print(FILE *out)
{
    fprintf(out, "authconform %s\n", AC_VERSION);
    fprintf(out, "libcurl %s\n", ac_version_libcurl());
    fprintf(out, "TLS library %s\n", ac_version_tls());
}
