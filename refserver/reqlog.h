/* reqlog: the optional request log (--log FILE). Thread-safe; every function accepts a NULL log
 * (logging off). */
#ifndef RS_REQLOG_H
#define RS_REQLOG_H

#include <stdbool.h>

typedef struct rs_reqlog rs_reqlog;

/* Opens path for appending. Returns NULL and sets errno on failure. */
rs_reqlog *rs_reqlog_open(const char *path, bool log_tokens);

/* Closes the file. Accepts NULL. */
void rs_reqlog_close(rs_reqlog *l);

/* Logs one request: time, method, path, status. Control characters in path are replaced. */
void rs_reqlog_request(rs_reqlog *l, const char *method, const char *path, unsigned status);

/* Logs a failed login of the account name: "TIME failed-login NAME". Never a secret. */
void rs_reqlog_failed_login(rs_reqlog *l, const char *name);

/* Logs an issued token, only when the log was opened with log_tokens. */
void rs_reqlog_token(rs_reqlog *l, const char *sub, const char *token);

#endif
