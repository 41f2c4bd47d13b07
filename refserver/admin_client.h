/* admin_client: the "admin revoke", "admin mint" and "admin failed-logins" subcommands, which call
 * a running server's /_refserver/ endpoints so scripts need no HTTP tool. */
#ifndef RS_ADMIN_CLIENT_H
#define RS_ADMIN_CLIENT_H

/* Runs the subcommand in argv[0..argc) (argv[0] is "revoke", "mint" or "failed-logins"). Returns
 * the exit code: 0 success, 1 failure (one line on stderr), 2 usage error. */
int rs_admin_client_main(int argc, char **argv);

#endif
