#!/usr/bin/env python3
"""The HTTP (and, with --cert/--key, HTTPS) server of scripts/test-servers.sh.

Python's threading HTTP server over HTTP/1.1 with keep-alive, serving ROOT on 127.0.0.1 and a
free port (written to PORT_FILE once it listens, by rename, so a reader never sees half of it).
Two additions for tests:
  - each GET's path goes to REQUEST_LOG, one line per request, so a test can count what
    reached the server;
  - a body under a first path segment ending in `-bpsN` (a test's own folder, linked into
    ROOT as `ID-bps1000000`) is sent at about N bytes/s: a large transfer that takes a while,
    beside fast ones from the same server.
"""
import argparse
import functools
import http.server
import os
import re
import ssl
import threading
import time

THROTTLED = re.compile(r"^/[^/]*-bps(\d+)(/|$)")


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--root", required=True)
    arguments.add_argument("--port-file", required=True)
    arguments.add_argument("--request-log", required=True)
    arguments.add_argument("--cert")
    arguments.add_argument("--key")
    options = arguments.parse_args()

    log = open(options.request_log, "a", buffering=1)
    log_lock = threading.Lock()

    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def setup(self):
            # TLS handshakes happen here, in the connection's own thread: done in accept()
            # (the default), one client that connects and stalls would hold every other.
            if isinstance(self.request, ssl.SSLSocket):
                self.request.settimeout(30)
                self.request.do_handshake()
                self.request.settimeout(None)
            super().setup()

        def do_GET(self):
            with log_lock:
                log.write(self.path + "\n")
            super().do_GET()

        def copyfile(self, source, outputfile):
            match = THROTTLED.match(self.path)
            if not match or int(match.group(1)) <= 0:
                return super().copyfile(source, outputfile)
            rate = int(match.group(1))
            chunk = max(1, rate // 20)
            while True:
                data = source.read(chunk)
                if not data:
                    break
                outputfile.write(data)
                time.sleep(0.05)

    # The default backlog of 5 drops the SYNs of many parallel clients.
    http.server.ThreadingHTTPServer.request_queue_size = 128
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=options.root))
    if options.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.cert, options.key)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    with open(options.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(options.port_file + ".tmp", options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
