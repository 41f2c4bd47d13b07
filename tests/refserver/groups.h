/* groups: the test groups of refserver_test besides cli (refserver_test.c), deviations (probes.c),
 * accounts (accounts.c) and oauth2 (probes_oauth2.c); each is one ctest entry. */
#ifndef RS_TEST_GROUPS_H
#define RS_TEST_GROUPS_H

#define A_TOKEN_FORM "grant_type=client_credentials&client_id=alice&client_secret=secret"
#define BAD_CREDS "{\"error\":\"unauthorized_client\",\"error_description\":\"Bad credentials\"}"

/* groups_api.c: the token endpoint and the protected endpoints. */
void group_issuance(void);
void group_credentials(void);
void group_bearer(void);

/* groups_server.c: token life, the server's options, lifecycle, TLS and the log. */
void group_expiry(void);
void group_revocation(void);
void group_admin_off(void);
void group_health(void);
void group_rfc(void);
void group_users(void);
void group_lifecycle(void);
void group_tls(void);
void group_log(void);

#endif
