/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c): the variables every target knows, a sink for
 * diagnostics, and a check that aborts (so libFuzzer and the replay driver report a crash) when an
 * invariant of the code under test does not hold. Header-only: each target is one translation
 * unit, built both as a libFuzzer program (clang, -DAC_FUZZ=ON) and as a replay program with
 * replay_main.c (any compiler, every build). */
#ifndef AC_FUZZ_COMMON_H
#define AC_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vars.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that must hold for every input: print what broke and abort. */
#define FZ_CHECK(cond, ...)                                                                  \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

/* Where diagnostics are printed (formatting them is part of what is fuzzed). */
static inline FILE *fz_sink(void)
{
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    if (!sink) abort();
    return sink;
}

/* A JWT (HS256 header; sub, exp, iat, scope claims; a fake signature): the token in every
 * fuzzing scope. */
#define FZ_JWT                                                                                 \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                    \
    "eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNzAwMDAwMDAwLCJzY29wZSI6InJlYWQgd3JpdGUifQ." \
    "c2lnbmF0dXJl"

/* The variables of the fuzzing scope: the bundled suite's names plus a few of other shapes
 * (a number, an empty value, JSON text, a value with a NUL byte). */
static inline void fz_fill_scope(ac_scope *s)
{
    ac_scope_init(s, NULL);
    ac_scope_set(s, "username", "alice", strlen("alice"), false, AC_VSRC_ENV);
    ac_scope_set(s, "password", "Sup3r-Secret-Passw0rd", strlen("Sup3r-Secret-Passw0rd"), true, AC_VSRC_ENV);
    ac_scope_set(s, "throwaway_username", "bob", strlen("bob"), false, AC_VSRC_ENV);
    ac_scope_set(s, "throwaway_password", "An0ther-Secret!", strlen("An0ther-Secret!"), true, AC_VSRC_ENV);
    ac_scope_set(s, "expiry_username", "carol", strlen("carol"), false, AC_VSRC_ENV);
    ac_scope_set(s, "expiry_password", "Th1rd-Secret-Value", strlen("Th1rd-Secret-Value"), true, AC_VSRC_ENV);
    ac_scope_set(s, "access_token", FZ_JWT, strlen(FZ_JWT), true, AC_VSRC_CAPTURE);
    ac_scope_set(s, "expired_token", FZ_JWT, strlen(FZ_JWT), true, AC_VSRC_ENV);
    ac_scope_set(s, "revoked_token", "not-a-jwt-but-secret", strlen("not-a-jwt-but-secret"), true, AC_VSRC_ENV);
    ac_scope_set(s, "revoke_command", "true", strlen("true"), false, AC_VSRC_ENV);
    ac_scope_set(s, "expires_in", "3600", strlen("3600"), false, AC_VSRC_CAPTURE);
    ac_scope_set(s, "revoke_wait", "30", strlen("30"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "max_wait", "10", strlen("10"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "expiry_leeway", "5", strlen("5"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "token_path", "auth/token", strlen("auth/token"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "hello_path", "test/hello/authconform", strlen("test/hello/authconform"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "hello_name", "authconform", strlen("authconform"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "projects_path", "projects/", strlen("projects/"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "health_path", "test/healthcheck", strlen("test/healthcheck"), false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "target", "http://127.0.0.1:1/apiops", strlen("http://127.0.0.1:1/apiops"), false, AC_VSRC_COMPUTED);
    ac_scope_set(s, "n", "-2", strlen("-2"), false, AC_VSRC_CLI);
    ac_scope_set(s, "empty", "", strlen(""), false, AC_VSRC_CLI);
    const char *doc = "{\"a\":[1,2.5,{\"b\":\"c\"}],\"access_token\":\"xyz-secret-xyz\",\"n\":null}";
    ac_scope_set(s, "doc", doc, strlen(doc), false, AC_VSRC_CAPTURE);
    ac_scope_set(s, "nul", "a\0b", 3, false, AC_VSRC_CAPTURE);
}

/* The names fz_fill_scope sets, for the loader's undefined-variable check. */
static inline const ac_strlist *fz_known_vars(void)
{
    static ac_strlist names;
    if (names.n == 0) {
        ac_scope s;
        fz_fill_scope(&s);
        for (size_t i = 0; i < s.n; i++) ac_strlist_push(&names, s.vars[i].name);
        ac_scope_free(&s);
    }
    return &names;
}

#endif
