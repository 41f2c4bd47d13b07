"""Two TLS "replicas" for tests/cluster/tls.sh: each serves /apiops/test/healthcheck with 200 OK
and logs, per connection, the TLS server name the client sent (SNI) and, per request, its Host
header, as JSON lines in LOG. Prints "listening on https://127.0.0.1:PORT (node K)" per node.
Usage: tls_nodes.py CERT KEY LOG"""
import http.server
import json
import ssl
import sys
import threading

cert, key, log_path = sys.argv[1:4]
lock = threading.Lock()


def log(entry):
    with lock, open(log_path, "a") as f:
        f.write(json.dumps(entry) + "\n")


def serve(k):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = lambda sock, name, c: log({"node": k, "sni": name})

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            log({"node": k, "host": self.headers.get("Host"), "path": self.path})
            body = b"OK" if self.path.endswith("/test/healthcheck") else b"not found"
            self.send_response(200 if body == b"OK" else 404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    return srv


servers = [serve(k) for k in (1, 2)]
for k, s in enumerate(servers, 1):
    print("listening on https://127.0.0.1:%d (node %d)" % (s.server_address[1], k), flush=True)
threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
for t in threads:
    t.start()
for t in threads:
    t.join()
