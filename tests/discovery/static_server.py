"""A fixed-answer HTTP server for the discovery tests: serves ROUTES.json ({path: [status,
content_type, body]}), 404 otherwise, on 127.0.0.1 and a free port. "BASE" anywhere in the routes
stands for its own URL (known only once it listens), which it prints first. Every request line
goes to LOG, so a test can prove what was and was not sent."""
import http.server
import json
import sys

srv_routes = {}
log = open(sys.argv[2], "a", buffering=1)


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        log.write(self.command + " " + self.path + "\n")
        status, ctype, body = srv_routes.get(self.path, [404, "text/plain", "not found"])
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
base = "http://127.0.0.1:%d" % srv.server_address[1]
srv_routes.update(json.loads(open(sys.argv[1]).read().replace("BASE", base)))
print("listening on " + base, flush=True)
srv.serve_forever()
