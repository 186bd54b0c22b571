#!/usr/bin/env python3
"""chatterboxd under a fake systemd (sd_notify(3)): a Python AF_UNIX datagram socket as
$NOTIFY_SOCKET and WATCHDOG_USEC=1 s, the shipped default config (deploy/systemd/chatterboxd.json)
pointed at the test model. STATUS= lines arrive while the model loads and warms up, READY=1 only
once it is warm (/health says so when READY arrives, /ready was 503 before), WATCHDOG=1 every
half second while serving; with the engine loop's thread stopped (ptrace, the rest of the
process running) the pings stop at once, and after 60 s the liveness checks fail too (/live 503,
grpc.health.v1 "liveness" NOT_SERVING, readiness untouched); all resume once it runs again;
SIGTERM brings STOPPING=1 and a clean exit."""
import ctypes
import json
import os
import signal
import socket
import tempfile
import threading
import time
import unittest

import grpc

import harness
from harness import Server

WATCHDOG_SECONDS = 1.0
LIVENESS_STALL_SECONDS = 60  # server/engine_stall.h

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long
PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 17, 0x4206, 0x4207
WALL = 0x40000000


class NotifySocket:
    """What systemd would receive: every datagram with the time it arrived."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.lock = threading.Lock()
        self.messages = []  # (monotonic seconds, one "KEY=value" line)
        self.closed = False
        self.thread = threading.Thread(target=self.receive, daemon=True)
        self.thread.start()

    def receive(self):
        while not self.closed:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            now = time.monotonic()
            with self.lock:
                self.messages += [(now, line) for line in data.decode().split("\n") if line]

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def times(self, line, since=0.0):
        return [t for t, m in self.snapshot() if m == line and t >= since]

    def wait_for(self, line, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.times(line)
            if found:
                return found[0]
            time.sleep(0.02)
        return None

    def close(self):
        self.closed = True
        self.thread.join()
        self.sock.close()


def engine_threads(pid):
    """Thread ids named "cbx-engine": runtime::Engine names its loop's thread so."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if f.read().strip() == "cbx-engine":
                out.append(int(tid))
    return out


def ptrace(request, tid):
    if libc.ptrace(request, tid, None, None) != 0:
        raise OSError(ctypes.get_errno(), f"ptrace({request:#x}, {tid}): " +
                      os.strerror(ctypes.get_errno()))


def stop_thread(tid):
    """Stops one thread alone (SIGSTOP would stop the whole process)."""
    ptrace(PTRACE_SEIZE, tid)
    ptrace(PTRACE_INTERRUPT, tid)
    status = ctypes.c_int()
    if libc.waitpid(tid, ctypes.byref(status), WALL) != tid:
        raise OSError(ctypes.get_errno(), "waitpid on the stopped engine thread")


def grpc_health(port, service):
    """grpc.health.v1.Health/Check without stubs (as clients/examples/python_grpc.py)."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        name = service.encode()
        reply = channel.unary_unary("/grpc.health.v1.Health/Check")(
            (b"\x0a" + bytes([len(name)]) + name) if name else b"", timeout=10)
    return {1: "SERVING", 2: "NOT_SERVING"}.get(reply[1] if len(reply) > 1 else 0, "UNKNOWN")


def shipped_config(directory):
    """deploy/systemd/chatterboxd.json with the test's model, voice library and ports."""
    with open(os.path.join(harness.SOURCE, "deploy", "systemd", "chatterboxd.json")) as f:
        config = json.load(f)
    config.update(http_listen="127.0.0.1:0", grpc_listen="127.0.0.1:0",
                  voice_dir=os.path.join(directory, "voices"))
    config["models"] = [dict(config["models"][0], name="nano", variant="nano",
                             checkpoint_dir=os.path.abspath(harness.MODEL), devices=["cpu"])]
    path = os.path.join(directory, "chatterboxd.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


class NotifyTest(unittest.TestCase):
    def test_ready_status_watchdog_and_stopping(self):
        directory = tempfile.mkdtemp(prefix="chatterboxd-notify-")
        notify = NotifySocket(os.path.join(directory, "notify.sock"))
        ports_file = os.path.join(directory, "ports.json")
        env = {"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": str(int(WATCHDOG_SECONDS * 1e6))}
        os.environ.pop("WATCHDOG_PID", None)  # unset: sd_watchdog_enabled takes it as ours
        server = Server(env=env, command=[
            harness.CHATTERBOXD, "--threads", "2", "serve", "--config",
            shipped_config(directory), "--ports-file", ports_file])
        server.ports_file = ports_file
        try:
            server.wait_for_ports()
            self.check_ready_only_when_warm(server, notify)
            self.check_watchdog_pings(notify)
            self.check_stuck_engine_stops_pings(server, notify)
            self.check_stopping(server, notify)
        finally:
            if server.process.poll() is None:
                server.stop(signal.SIGKILL)
            notify.close()

    def check_ready_only_when_warm(self, server, notify):
        not_ready_polls = 0
        deadline = time.monotonic() + 400
        while not notify.times("READY=1"):
            self.assertLess(time.monotonic(), deadline, "no READY=1:\n" + server.log_text())
            self.assertIsNone(server.process.poll(), server.log_text())
            not_ready_polls += server.call("GET", "/ready")[0] == 503
            time.sleep(0.05)
        # At READY=1 the model is already warm: /health says so at once.
        status, health = server.json("GET", "/health")
        self.assertEqual(status, 200, health)
        instances = [i for m in health["models"] for i in m["instances"]]
        self.assertTrue(instances and all(i["warm"] for i in instances), health)
        self.assertGreater(not_ready_polls, 0, "never saw the server not ready")

        lines = [m for _, m in notify.snapshot()]
        before = lines[:lines.index("READY=1")]
        statuses = [m[len("STATUS="):] for m in before if m.startswith("STATUS=")]
        self.assertIn("loading model nano on cpu", statuses)
        self.assertIn("warming nano on cpu", statuses)
        self.assertLess(statuses.index("loading model nano on cpu"),
                        statuses.index("warming nano on cpu"))
        self.assertEqual(statuses[-1], "serving 1 model: nano on cpu")
        self.assertEqual(lines.count("READY=1"), 1)

    def check_watchdog_pings(self, notify):
        start = time.monotonic()
        time.sleep(3.0)
        pings = notify.times("WATCHDOG=1", since=start)
        self.assertGreaterEqual(len(pings), 4, pings)
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        self.assertLess(max(gaps), 0.9 * WATCHDOG_SECONDS, gaps)

    def check_stuck_engine_stops_pings(self, server, notify):
        # The loop's thread and the intra-op threads it started (they inherit its name).
        threads = engine_threads(server.process.pid)
        self.assertGreaterEqual(len(threads), 1)
        for tid in threads:
            stop_thread(tid)
        stopped = time.monotonic()
        try:
            # Its heartbeat turns stale after one interval; a ping already due may still go.
            time.sleep(4 * WATCHDOG_SECONDS)
            late = notify.times("WATCHDOG=1", since=stopped + 1.7 * WATCHDOG_SECONDS)
            self.assertEqual(late, [], "pings went on while the engine loop was stopped")
            self.assertIsNone(server.process.poll())
            self.assertEqual(server.call("GET", "/ready")[0], 200)  # the transports still answer
            self.assertEqual(server.json("GET", "/live"), (200, {"live": True}))
            self.assertEqual(grpc_health(server.grpc_port, "liveness"), "SERVING")
            time.sleep(max(0.0, stopped + LIVENESS_STALL_SECONDS + 1.5 - time.monotonic()))
            status, live = server.json("GET", "/live")
            self.assertEqual(status, 503, live)
            self.assertFalse(live["live"])
            self.assertRegex(live["stalled_engines"][0], r"^nano\[0\] \(6\d\.\d s\)$")
            self.assertEqual(grpc_health(server.grpc_port, "liveness"), "NOT_SERVING")
            self.assertEqual(grpc_health(server.grpc_port, ""), "SERVING")
            self.assertEqual(notify.times("WATCHDOG=1", since=stopped + 1.7 * WATCHDOG_SECONDS), [])
        finally:
            for tid in threads:
                ptrace(PTRACE_DETACH, tid)
        resumed = time.monotonic()
        time.sleep(2 * WATCHDOG_SECONDS)
        self.assertGreaterEqual(len(notify.times("WATCHDOG=1", since=resumed)), 2)
        self.assertEqual(server.json("GET", "/live"), (200, {"live": True}))
        self.assertEqual(grpc_health(server.grpc_port, "liveness"), "SERVING")
        log = server.log_text()
        self.assertIn("engine loop stuck: nano[0]", log)
        self.assertIn("watchdog pings resume", log)

    def check_stopping(self, server, notify):
        sent = time.monotonic()
        status = server.stop(signal.SIGTERM)  # closes the log
        with open(server.log_path, errors="replace") as f:
            self.assertEqual(status, 0, f.read())
        stopping = notify.times("STOPPING=1", since=sent)
        self.assertEqual(len(stopping), 1)
        lines = [m for t, m in notify.snapshot() if t >= sent]
        self.assertTrue(any(m.startswith("STATUS=draining") for m in lines), lines)


if __name__ == "__main__":
    unittest.main(verbosity=2)
