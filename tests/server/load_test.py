#!/usr/bin/env python3
"""chatterboxd under load from chatterbox-load (the real binary on a pattern nano model, loopback):
concurrent streaming clients held for a while over REST and gRPC with no errors; clients that
hang up at random points mid-stream while others are served, after which no stream or queue
entry is left behind; per-request deadlines that expire as typed errors (HTTP 504, gRPC
DEADLINE_EXCEEDED) while clients without one are unaffected.

The hold's size comes from CHATTERBOX_LOAD_CLIENTS and CHATTERBOX_LOAD_SECONDS (default 4 clients
for 12 s; `make reliability-long` runs 32 clients for 60 s)."""
import os
import threading
import unittest

from harness import Server

CLIENTS = int(os.environ.get("CHATTERBOX_LOAD_CLIENTS", "4"))
SECONDS = float(os.environ.get("CHATTERBOX_LOAD_SECONDS", "12"))
TOKENS = 8  # short requests: a whole stream is a chunk or two


def in_parallel(*calls):
    """Runs the calls (functions of no argument) at once; their results in order."""
    results = [None] * len(calls)

    def run(i):
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class LoadTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        # Room in the queue for every client, so that a full queue (429) is not what is tested.
        # And REST threads for every client beside the test's own calls.
        cls.server = Server(args=["--max-slots", "4", "--max-queue", str(max(64, 2 * CLIENTS)),
                                  "--http-threads", str(CLIENTS + 16)])
        cls.server.wait_for_ports()
        cls.server.wait_ready()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()

    def load(self, *args, transport="http"):
        rc, report, output = self.server.load(*args, transport=transport)
        print(output)
        return rc, report, output

    def assert_healthy_and_idle(self):
        s = self.server
        self.assertIsNone(s.process.poll(), "chatterboxd died:\n" + s.log_text()[-3000:])
        self.assertTrue(s.wait_idle(), s.log_text()[-3000:])
        status, health = s.json("GET", "/health")
        self.assertEqual((status, health["status"]), (200, "ok"), health)
        instance = health["models"][0]["instances"][0]
        self.assertEqual((instance["active_streams"], instance["queue_depth"]), (0, 0), instance)
        status, _, pcm = s.call("POST", "/v1/audio/speech", {
            "model": "nano", "input": "Still here.", "voice": "alloy", "response_format": "pcm",
            "max_new_tokens": 4, "stream": False})
        self.assertEqual(status, 200, pcm[:300])
        self.assertGreater(len(pcm), 0)

    def assert_clean_run(self, rc, report, output, completed=1):
        self.assertEqual(rc, 0, output)
        self.assertEqual(report["errors"], {}, output)
        self.assertGreaterEqual(report["completed"], completed, output)
        self.assertEqual(report["completed"] + report["dropped_by_client"], report["requests"])

    def test_a_clients_held_for_a_while_over_both_transports(self):
        rest, grpc = in_parallel(
            lambda: self.load("--clients", CLIENTS, "--duration", SECONDS, "--tokens", TOKENS),
            lambda: self.load("--clients", max(1, CLIENTS // 4), "--duration", SECONDS,
                              "--tokens", TOKENS, "--seed", 1000, transport="grpc"))
        for rc, report, output in (rest, grpc):
            self.assert_clean_run(rc, report, output)
            self.assertEqual(report["dropped_by_client"], 0)
            self.assertEqual(report["time_to_first_audio_s"]["count"], report["requests"])
            self.assertGreater(report["server_rss_after_bytes"], 100 << 20)
        # Every client got at least one whole request in.
        self.assertGreaterEqual(rest[1]["requests"], CLIENTS)
        self.assert_healthy_and_idle()

    def test_b_clients_that_hang_up_mid_stream(self):
        # 24 tokens: a stream of two chunks at least; half the requests hang up at a random byte.
        args = ("--clients", 3, "--duration", 15, "--tokens", 24, "--disconnect-fraction", 0.5)
        rest, grpc, steady = in_parallel(
            lambda: self.load(*args, "--seed", 7),
            lambda: self.load(*args, "--seed", 8, transport="grpc"),
            lambda: self.load("--clients", 1, "--duration", 15, "--tokens", TOKENS, "--seed",
                              500))
        for rc, report, output in (rest, grpc):
            self.assert_clean_run(rc, report, output, completed=0)
            self.assertGreaterEqual(report["dropped_by_client"], 1, output)
        self.assert_clean_run(*steady)
        self.assertEqual(steady[1]["dropped_by_client"], 0)
        self.assert_healthy_and_idle()
        log = self.server.log_text()
        self.assertIn("event=client_gone", log)
        self.assertNotIn("event=error", log)

    def test_c_deadlines_that_expire_are_typed_errors(self):
        s = self.server
        # A deadline far shorter than any first audio on a CPU: every such request expires. A
        # bounded number of them: they fail fast, and a loop of them would fill the queue.
        rest, grpc, steady = in_parallel(
            lambda: self.load("--clients", 2, "--duration", 8, "--requests", 6, "--tokens",
                              TOKENS, "--deadline", 0.05, "--allow-error", "http_504"),
            lambda: self.load("--clients", 1, "--duration", 8, "--requests", 6, "--tokens",
                              TOKENS, "--deadline", 0.05, "--allow-error",
                              "grpc_DEADLINE_EXCEEDED", transport="grpc"),
            lambda: self.load("--clients", 2, "--duration", 8, "--tokens", TOKENS,
                              "--deadline", 600, "--seed", 900))
        for (rc, report, output), kind in ((rest, "http_504"), (grpc, "grpc_DEADLINE_EXCEEDED")):
            self.assertEqual(rc, 0, output)
            self.assertEqual(list(report["errors"]), [kind], output)
            self.assertEqual(report["errors"][kind], report["requests"], output)
        self.assertIn('"code":"deadline_exceeded"', rest[1]["error_examples"]["http_504"])
        self.assert_clean_run(*steady)
        # A header that is no number of seconds is refused before anything is queued.
        status, _, body = s.call("POST", "/v1/audio/speech", {
            "model": "nano", "input": "Hi.", "voice": "alloy"},
            headers={"X-Request-Timeout": "soon"})
        self.assertEqual(status, 400, body)
        self.assertIn(b"invalid_request_timeout", body)
        self.assert_healthy_and_idle()


if __name__ == "__main__":
    unittest.main(verbosity=2)
