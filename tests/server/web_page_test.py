#!/usr/bin/env python3
"""The web page over plain HTTP, from the real chatterboxd serve with an API key: GET / and
every file it references load without the key, with their content types, byte for byte as in
server/web/ (they are compiled in), and name no external URL; the API itself still needs the
key; unknown files are typed 404s."""
import os
import re
import unittest

import harness
from harness import Server

KEY = "page-key-789"
WEB_DIR = os.path.join(harness.SOURCE, "server", "web")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8"}
REFERENCE = re.compile(r"""(?:src|href)="(/[^"]*)"|from\s+"\./([^"]+)"|import\s+"\./([^"]+)\"""")
URL = re.compile(r"\b(?:https?|wss?)://[^\s\"'`)<>]*", re.IGNORECASE)


class WebPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(api_key=KEY)
        cls.server.wait_for_ports()

    @classmethod
    def tearDownClass(cls):
        cls.server.wait_ready()  # a clean exit, not a stop in the middle of loading
        cls.server.stop_cleanly()

    def get(self, path):
        return self.server.call("GET", path, auth=False)

    def served_files(self):
        """{path: body} for / and everything reachable from it."""
        seen, todo = {}, ["/"]
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            status, headers, body = self.get(path)
            self.assertEqual(status, 200, path)
            name = "index.html" if path == "/" else path.rsplit("/", 1)[1]
            self.assertEqual(headers["content-type"], TYPES[os.path.splitext(name)[1]], path)
            self.assertIn("default-src 'self'", headers["content-security-policy"])
            self.assertEqual(headers["x-content-type-options"], "nosniff")
            seen[path] = body
            for match in REFERENCE.finditer(body.decode()):
                absolute, relative, bare = match.groups()
                target = absolute or "/web/" + (relative or bare)
                if not target.startswith("data:"):
                    todo.append(target)
        return seen

    def test_page_and_its_files_load_without_the_key(self):
        files = self.served_files()
        self.assertIn(b'<script type="module" src="/web/app.js">', files["/"])
        on_disk = sorted(os.listdir(WEB_DIR))
        served = sorted("index.html" if p == "/" else p.rsplit("/", 1)[1] for p in files)
        self.assertEqual(served, on_disk)  # every embedded file is used by the page
        for path, body in files.items():
            name = "index.html" if path == "/" else path.rsplit("/", 1)[1]
            self.assertEqual(body, harness.read_bytes(os.path.join(WEB_DIR, name)), name)

    def test_no_external_urls(self):
        origin = f"http://127.0.0.1:{self.server.http_port}"
        for path, body in self.served_files().items():
            urls = [u for u in URL.findall(body.decode()) if not u.startswith(origin)]
            self.assertEqual(urls, [], path)

    def test_api_still_needs_the_key(self):
        status, _, body = self.get("/v1/models")
        self.assertEqual(status, 401)
        self.assertIn(b'"invalid_api_key"', body)
        self.assertEqual(self.server.call("GET", "/v1/models")[0], 200)

    def test_unknown_files_are_typed_404s(self):
        for path in ("/web/missing.js", "/web/notes.txt", "/web/..%2Fserver.log", "/web/"):
            status, headers, body = self.get(path)
            self.assertEqual(status, 404, path)
            self.assertEqual(headers["content-type"], "application/json", path)
            self.assertIn(b'"not_found"', body, path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
