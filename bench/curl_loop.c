/* The reference for the sequential figure: the cheapest way to send N requests with libcurl
 * (one easy handle, reused connection, the body discarded). bench/run compares authconform's
 * sequential rate with this loop and with wrk on the same endpoint.
 *   curl_loop URL N   -> prints the requests per second */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static size_t sink(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: curl_loop URL N\n");
        return 2;
    }
    long n = atol(argv[2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, argv[1]);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        if (curl_easy_perform(h) != CURLE_OK) {
            fprintf(stderr, "curl_loop: request %ld failed\n", i);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%.0f\n", (double)n / s);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return 0;
}
