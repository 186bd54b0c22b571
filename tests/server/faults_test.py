#!/usr/bin/env python3
"""chatterboxd when things break (the real binary on pattern nano models, loopback):

- a model whose device fails at warm-up (CHATTERBOX_FAULT_WARMUP_FAIL, server/fault_injection.h)
  while another serves: /health says which failed and why, the other answers;
- the voice library on a read-only directory (mode 0555, the server without CAP_DAC_OVERRIDE
  when the tests run as root) and on a "full" file system (RLIMIT_FSIZE set on the running
  server with prlimit, SIGXFSZ ignored, so its writes fail with EFBIG as the kernel enforces it):
  the upload fails with a typed error, nothing of it is left or listed, stored voices still serve;
- kill -9 during a voice upload and during a stream, then a restart on the same voice library:
  only complete voices are listed, each loads and speaks, and the dead writer's leftovers
  (a temporary file, tensors without their JSON) are never listed or served.
"""
import base64
import json
import os
import random
import resource
import signal
import sys
import threading
import time
import unittest
import wave

import harness
from harness import Server

sys.path.insert(0, harness.STUBS)
import grpc  # noqa: E402

SHORT = {"response_format": "pcm", "max_new_tokens": 4, "stream": False}


def speak(server, voice, **extra):
    return server.call("POST", "/v1/audio/speech", {
        "model": extra.pop("model", "nano"), "input": "A stored voice.", "voice": voice,
        **SHORT, **extra})


def upload(server, name, clip, overwrite=False):
    return server.call("POST", "/v1/voices", {
        "name": name, "audio": base64.b64encode(clip).decode(), "overwrite": overwrite})


def listed(server):
    """The library's voices as GET /v1/voices lists them (the built-in names left out)."""
    status, body = server.json("GET", "/v1/voices")
    assert status == 200, body
    return sorted(v["id"] for v in body["voices"] if not v["builtin"])


def another_clip(path, out):
    """The clip with its halves swapped: other content, so no cached analysis is reused."""
    with wave.open(path) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    half = (len(frames) // 4) * 2
    with wave.open(out, "wb") as w:
        w.setparams(params)
        w.writeframes(frames[half:] + frames[:half])
    return harness.read_bytes(out)


def files_of(directory, name):
    return sorted(f for f in os.listdir(directory) if f.startswith(name + "."))


def without_dac_override():
    """A wrapper that runs the server as root without the capability to ignore file modes, so a
    directory of mode 0555 is read-only to it as to any user; nothing when not root."""
    if os.geteuid() != 0:
        return ()
    caps = "-dac_override,-dac_read_search"
    return ("setpriv", "--inh-caps=" + caps, "--bounding-set=" + caps, "--")


def ignore_sigxfsz():
    # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


class WarmUpFailureTest(unittest.TestCase):
    def test_a_model_failing_at_warm_up_beside_one_that_serves(self):
        directory = harness.tempfile.mkdtemp(prefix="chatterboxd-faults-")
        config = os.path.join(directory, "config.json")
        models = [{"name": name, "variant": "nano", "checkpoint_dir": harness.MODEL,
                   "devices": ["cpu"]} for name in ("nano", "broken")]
        with open(config, "w") as f:
            json.dump({"max_slots": 2, "models": models}, f)
        server = Server(models=["--config", config],
                        env={"CHATTERBOX_FAULT_WARMUP_FAIL": "broken"})
        try:
            server.wait_for_ports()
            health = self.wait_settled(server)
            by_name = {m["name"]: m for m in health["models"]}
            self.assertEqual(health["status"], "failed", health)
            self.assertTrue(by_name["nano"]["ready"], health)
            self.assertFalse(by_name["broken"]["ready"], health)
            broken = by_name["broken"]["instances"][0]
            self.assertEqual(broken["state"], "failed", broken)
            self.assertIn("warm-up on the CPU failed", broken["error"])
            self.assertIn("CHATTERBOX_FAULT_WARMUP_FAIL", broken["error"])
            self.assertEqual(by_name["nano"]["instances"][0]["error"], "")
            self.assertEqual(server.call("GET", "/health")[0], 503)
            self.assertIn("fault injection", server.log_text())
            # The other model serves; the failed one is refused with a typed error.
            status, _, pcm = speak(server, "alloy")
            self.assertEqual(status, 200, pcm[:300])
            status, _, body = speak(server, "alloy", model="broken")
            self.assertEqual(status, 503, body)
            self.assertIn(b"unavailable", body)
            self.check_grpc_health(server)
        finally:
            server.stop_cleanly()

    def wait_settled(self, server, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assertIsNone(server.process.poll(), server.log_text())
            _, health = server.json("GET", "/health")
            states = [i["state"] for m in health["models"] for i in m["instances"]]
            if states and all(s in ("ready", "failed") for s in states):
                return health
            time.sleep(0.5)
        self.fail("models did not settle:\n" + server.log_text())

    def check_grpc_health(self, server):
        channel = grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}")
        check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                    request_serializer=lambda name: health_request(name),
                                    response_deserializer=health_status)
        self.assertEqual(check("nano", timeout=10), 1)  # SERVING
        self.assertEqual(check("broken", timeout=10), 2)  # NOT_SERVING
        self.assertEqual(check("", timeout=10), 2)
        channel.close()


def health_request(service):
    """grpc.health.v1.HealthCheckRequest {string service = 1;} by hand (no generated stubs)."""
    data = service.encode()
    return (b"\x0a" + bytes([len(data)]) + data) if data else b""


def health_status(payload):
    """HealthCheckResponse {ServingStatus status = 1;}: the enum's value."""
    return payload[1] if len(payload) >= 2 and payload[0] == 0x08 else 0


class VoiceLibraryFaultsTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(wrapper=without_dac_override(), preexec_fn=ignore_sigxfsz)
        try:
            cls.server.wait_for_ports()
            cls.server.wait_ready()
            clip_path = harness.long_reference_clip(os.path.join(cls.server.dir, "clip.wav"))
            cls.clip = harness.read_bytes(clip_path)
            status, _, body = upload(cls.server, "keeper", cls.clip)
            assert status == 201, body
        except BaseException:
            cls.server.stop(signal.SIGKILL)
            raise

    @classmethod
    def tearDownClass(cls):
        os.chmod(cls.server.voice_dir, 0o755)
        cls.server.stop_cleanly()

    def assert_refused_and_nothing_left(self, name, reason, overwrite=False):
        status, _, body = upload(self.server, name, self.clip, overwrite=overwrite)
        self.assertEqual(status, 503, body)
        error = json.loads(body)["error"]
        self.assertEqual(error["code"], "unavailable", error)
        self.assertIn("voice library", error["message"])
        self.assertIn(reason, error["message"])
        if not overwrite:
            self.assertEqual(files_of(self.server.voice_dir, name), [])
        self.assertEqual([f for f in os.listdir(self.server.voice_dir) if ".tmp." in f], [])
        self.assertEqual(listed(self.server), ["keeper"])
        status, _, pcm = speak(self.server, "keeper")
        self.assertEqual(status, 200, pcm[:300])

    def test_read_only_directory(self):
        os.chmod(self.server.voice_dir, 0o555)
        try:
            self.assert_refused_and_nothing_left("readonly", "Permission denied")
            self.assert_refused_and_nothing_left("keeper", "Permission denied", overwrite=True)
            status, _, body = self.server.call("DELETE", "/v1/voices/keeper")
            self.assertEqual(status, 503, body)
            self.assertEqual(listed(self.server), ["keeper"])
        finally:
            os.chmod(self.server.voice_dir, 0o755)

    def test_full_file_system(self):
        size = os.path.getsize(os.path.join(self.server.voice_dir, "keeper.safetensors"))
        pid = self.server.process.pid
        # Files may grow to half a voice's tensors: every voice write fails part way. (The soft
        # limit alone, which the test may raise again without privileges.)
        old = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (size // 2, old[1]))
        try:
            self.assert_refused_and_nothing_left("overflow", "File too large")
            self.assert_refused_and_nothing_left("keeper", "File too large", overwrite=True)
        finally:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, old)
        # Room again: the same upload succeeds.
        status, _, body = upload(self.server, "overflow", self.clip)
        self.assertEqual(status, 201, body)
        self.assertEqual(listed(self.server), ["keeper", "overflow"])
        self.assertEqual(self.server.call("DELETE", "/v1/voices/overflow")[0], 200)


class KillTest(unittest.TestCase):
    def test_kill_9_during_upload_and_stream_then_restart(self):
        voice_dir = harness.tempfile.mkdtemp(prefix="chatterboxd-voices-")
        first = Server(voice_dir=voice_dir)
        try:
            first.wait_for_ports()
            first.wait_ready()
            clip_path = harness.long_reference_clip(os.path.join(first.dir, "clip.wav"))
            clip = harness.read_bytes(clip_path)
            started = time.monotonic()
            status, _, body = upload(first, "keeper", clip)
            self.assertEqual(status, 201, body)
            upload_s = time.monotonic() - started
            other = another_clip(clip_path, os.path.join(first.dir, "other.wav"))
            streamed = self.kill_mid_upload_and_stream(first, other, upload_s)
            self.assertGreater(streamed, 0)
            self.plant_dead_writers_leftovers(voice_dir, first.process.pid)
        finally:
            if first.process.poll() is None:
                first.stop(signal.SIGKILL)

        second = Server(voice_dir=voice_dir)
        try:
            second.wait_for_ports()
            second.wait_ready()
            names = listed(second)
            self.assertIn("keeper", names)
            self.assertLessEqual(set(names), {"keeper", "doomed"}, names)
            for name in names:
                status, _, pcm = speak(second, name)
                self.assertEqual(status, 200, (name, pcm[:300]))
            self.assertEqual([f for f in os.listdir(voice_dir) if ".tmp." in f], [])
            self.assertEqual(speak(second, "orphan")[0], 404)
            self.assertIn(speak(second, "torn")[0], (404, 422))
            self.assertIsNone(second.process.poll())
        finally:
            second.stop_cleanly()

    def kill_mid_upload_and_stream(self, server, clip, upload_s):
        """Starts a long stream and, once audio flows, an upload; kills the server with SIGKILL
        at a random point of the upload's expected time. Returns the stream's bytes."""
        conn = harness.http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=600)
        conn.request("POST", "/v1/audio/speech", body=json.dumps({
            "model": "nano", "input": "A long stream, cut short.", "voice": "alloy",
            "response_format": "pcm", "max_new_tokens": 1000}).encode(),
            headers=server.headers())
        response = conn.getresponse()
        self.assertEqual(response.status, 200)
        streamed = len(response.read1(1 << 16))
        doomed = threading.Thread(target=lambda: self.upload_ignoring_errors(server, clip))
        doomed.start()
        time.sleep(random.uniform(0.1, upload_s))
        server.process.send_signal(signal.SIGKILL)
        self.assertEqual(server.process.wait(timeout=60), -signal.SIGKILL)
        server.log.close()
        doomed.join()
        try:
            while True:
                piece = response.read1(1 << 16)
                if not piece:
                    break
                streamed += len(piece)
        except (OSError, harness.http.client.HTTPException):
            pass  # the stream ends without its last chunk, as it must
        conn.close()
        return streamed

    @staticmethod
    def upload_ignoring_errors(server, clip):
        try:
            upload(server, "doomed", clip)
        except (OSError, harness.http.client.HTTPException):
            pass

    @staticmethod
    def plant_dead_writers_leftovers(voice_dir, dead_pid):
        """What a writer killed at other points could leave: its temporary file, tensors whose
        JSON never came, and (beyond what the atomic writes allow) a JSON beside torn tensors."""
        with open(os.path.join(voice_dir, "keeper.safetensors"), "rb") as f:
            tensors = f.read()
        with open(os.path.join(voice_dir, "keeper.json")) as f:
            info = json.load(f)
        for name, data in ((f"late.staging.tmp.{dead_pid}", tensors[:len(tensors) // 3]),
                           ("orphan.safetensors", tensors),
                           ("torn.safetensors", tensors[:len(tensors) // 2])):
            with open(os.path.join(voice_dir, name), "wb") as f:
                f.write(data)
        with open(os.path.join(voice_dir, "torn.json"), "w") as f:
            json.dump({**info, "name": "torn"}, f)


if __name__ == "__main__":
    unittest.main(verbosity=2)
