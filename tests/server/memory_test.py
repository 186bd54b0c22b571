#!/usr/bin/env python3
"""chatterboxd's memory under a stream of requests (the real binary on a pattern nano model,
driven by chatterbox-load over both transports): the server's resident set (VmRSS) after
WARM + MORE requests stays within BOUND of what it was after the first WARM, once every
allocator pool has been touched.

Defaults (ctest): 12 requests, then 36 more, within 10 %. `make reliability-long` sets
CHATTERBOX_MEMORY_WARM=100, CHATTERBOX_MEMORY_MORE=900 (1,000 in all) and a bound of 3 %."""
import os
import unittest

from harness import Server

WARM = int(os.environ.get("CHATTERBOX_MEMORY_WARM", "12"))
MORE = int(os.environ.get("CHATTERBOX_MEMORY_MORE", "36"))
BOUND = float(os.environ.get("CHATTERBOX_MEMORY_BOUND", "0.10"))
CLIENTS = 4


class MemoryTest(unittest.TestCase):
    def test_resident_memory_levels_off(self):
        server = Server(args=["--max-slots", "4"])
        try:
            server.wait_for_ports()
            server.wait_ready()
            after_warm = self.requests(server, WARM, seed=1)
            after_more = self.requests(server, MORE, seed=100000)
            growth = (after_more - after_warm) / after_warm
            print(f"rss after {WARM} requests: {after_warm / 2**20:.1f} MiB; after "
                  f"{WARM + MORE}: {after_more / 2**20:.1f} MiB ({100 * growth:+.2f} %, "
                  f"bound {100 * BOUND:.0f} %)")
            self.assertLess(growth, BOUND)
            self.assertTrue(server.wait_idle())
            self.assertEqual(server.call("GET", "/health")[0], 200)
        finally:
            server.stop_cleanly()

    def requests(self, server, count, seed):
        """`count` short requests, three in four over REST (a tenth of them hanging up
        mid-stream), the rest over gRPC; the server's RSS after them."""
        grpc_count = count // 4
        runs = [("http", count - grpc_count, ("--disconnect-fraction", 0.1)),
                ("grpc", grpc_count, ())]
        rss = None
        for transport, n, extra in runs:
            if n == 0:
                continue
            rc, report, output = server.load(
                "--clients", CLIENTS, "--duration", 86400, "--requests", n, "--tokens", 4,
                "--text", "A short request.", "--seed", seed, *extra, transport=transport)
            self.assertEqual(rc, 0, output)
            self.assertEqual(report["requests"], n, output)
            self.assertEqual(report["errors"], {}, output)
            rss = report["server_rss_after_bytes"]
        self.assertGreater(rss, 100 << 20)
        return rss


if __name__ == "__main__":
    unittest.main(verbosity=2)
