"""Shared pieces of the server tests: the real chatterboxd on loopback ports chosen by the
kernel (--ports-file), HTTP calls with timing, libsndfile decoding (ctypes), SSE parsing.

Paths come from the environment ctest sets: CHATTERBOXD, CHATTERBOX_CLI, CHATTERBOX_PY_STUBS,
CHATTERBOX_SERVER_MODEL (a full-size pattern nano checkpoint), CHATTERBOX_SOURCE_DIR,
CHATTERBOX_SHARED_DIR.
"""
import ctypes
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import wave

CHATTERBOXD = os.environ.get("CHATTERBOXD", "build/server/chatterboxd")
CLI = os.environ.get("CHATTERBOX_CLI", "build/clients/chatterbox-cli")
LOAD = os.environ.get("CHATTERBOX_LOAD", "build/tools/load/chatterbox-load")
STUBS = os.environ.get("CHATTERBOX_PY_STUBS", "build/clients/python")
MODEL = os.environ.get("CHATTERBOX_SERVER_MODEL", "build/test-models/nano")
SOURCE = os.environ.get("CHATTERBOX_SOURCE_DIR", ".")
SHARED = os.environ.get("CHATTERBOX_SHARED_DIR") or os.environ.get(
    "CHATTERBOX_CONFIGURED_SHARED_DIR", os.path.join(SOURCE, "..", "shared"))
RATE = 24000
SAMPLES_PER_TOKEN = 960


def cpu_environment():
    """OpenMP threads that sleep instead of spinning: the test machine is shared, and spinning
    threads took 60% of its CPU. OpenBLAS's own settings stay as the machine has them."""
    return {"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}


class Server:
    """chatterboxd serve in a process of its own, logging to a file."""

    def __init__(self, args=(), env=None, api_key=None, device="cpu", command=None,
                 voice_dir=None, wrapper=(), preexec_fn=None, models=None):
        """voice_dir: the voice library (default: a new one); wrapper: a command the server runs
        under (setpriv ...); preexec_fn: run in the child before exec (limits, signals);
        models: the arguments naming the models (default: the pattern nano model)."""
        self.dir = tempfile.mkdtemp(prefix="chatterboxd-test-")
        self.ports_file = os.path.join(self.dir, "ports.json")
        self.voice_dir = voice_dir or os.path.join(self.dir, "voices")
        self.api_key = api_key
        self.log_path = os.path.join(self.dir, "server.log")
        if command is None:
            models = models or ["--model-dir", MODEL, "--variant", "nano", "--device", device]
            command = [*wrapper, CHATTERBOXD, "--threads", "2", "serve", *models,
                       "--voice-dir", self.voice_dir,
                       "--http-listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0",
                       "--ports-file", self.ports_file, *args]
            if api_key:
                command += ["--api-key", api_key]
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **cpu_environment(), **(env or {})},
                                        preexec_fn=preexec_fn)
        self.http_port = self.grpc_port = None

    def wait_for_ports(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("chatterboxd exited early:\n" + self.log_text())
            if os.path.exists(self.ports_file):
                with open(self.ports_file) as f:
                    ports = json.load(f)
                self.http_port, self.grpc_port = ports["http"], ports["grpc"]
                return
            time.sleep(0.05)
        raise RuntimeError("no ports file:\n" + self.log_text())

    def wait_ready(self, timeout=400):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("chatterboxd exited:\n" + self.log_text())
            try:
                if self.call("GET", "/ready")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError("not ready in time:\n" + self.log_text())

    def headers(self, extra=None, auth=True):
        h = {"Content-Type": "application/json"}
        if auth and self.api_key:
            h["Authorization"] = "Bearer " + self.api_key
        h.update(extra or {})
        return h

    def call(self, method, path, body=None, headers=None, auth=True, timeout=600):
        """(status, headers dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        conn.request(method, path, body=data, headers=self.headers(headers, auth))
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload

    def json(self, method, path, body=None, **kwargs):
        status, _, payload = self.call(method, path, body, **kwargs)
        return status, json.loads(payload) if payload else None

    def stream(self, path, body, read_size=1 << 16):
        """A streamed POST: (status, headers, [(seconds since sent, bytes), ...])."""
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=600)
        started = time.monotonic()
        conn.request("POST", path, body=json.dumps(body).encode(), headers=self.headers())
        response = conn.getresponse()
        pieces = []
        while True:
            piece = response.read1(read_size)
            if not piece:
                break
            pieces.append((time.monotonic() - started, piece))
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, pieces

    def metric(self, name, *labels):
        """A sample's value from /metrics (sum over the series holding every one of `labels`,
        such as 'model="nano"')."""
        _, _, text = self.call("GET", "/metrics")
        total, found = 0.0, False
        for line in text.decode().splitlines():
            if line.startswith(name + "{") or line.startswith(name + " "):
                if all(label in line for label in labels):
                    total += float(line.rsplit(" ", 1)[1])
                    found = True
        return total if found else None

    def load(self, *args, transport="http", timeout=1800):
        """chatterbox-load against this server: (exit status, its JSON report, its output)."""
        report = tempfile.NamedTemporaryFile(prefix="load-", suffix=".json", dir=self.dir,
                                             delete=False).name
        command = [LOAD, "--transport", transport, "--url", f"http://127.0.0.1:{self.http_port}",
                   "--grpc", f"127.0.0.1:{self.grpc_port}", "--server-pid",
                   str(self.process.pid), "--json", report, *map(str, args)]
        if self.api_key:
            command += ["--api-key", self.api_key]
        p = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        with open(report) as f:
            return p.returncode, json.load(f), p.stdout + p.stderr

    def wait_idle(self, timeout=120):
        """True once no stream is active and nothing is queued (by /metrics)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (self.metric("chatterbox_active_streams") == 0 and
                    self.metric("chatterbox_queue_depth") == 0):
                return True
            time.sleep(0.25)
        return False

    def stop(self, sig=signal.SIGTERM, timeout=120):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            if not self.log.closed:
                self.log.close()

    def stop_cleanly(self):
        """SIGTERM, then an exit status of 0 (a test class's end): the log's tail otherwise."""
        code = self.stop()
        assert code == 0, f"chatterboxd exited {code}:\n{self.log_text()[-5000:]}"

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()


class SfInfo(ctypes.Structure):
    _fields_ = [("frames", ctypes.c_int64), ("samplerate", ctypes.c_int),
                ("channels", ctypes.c_int), ("format", ctypes.c_int),
                ("sections", ctypes.c_int), ("seekable", ctypes.c_int)]


_sndfile = ctypes.CDLL("libsndfile.so.1")
_sndfile.sf_open.restype = ctypes.c_void_p
_sndfile.sf_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(SfInfo)]
_sndfile.sf_readf_float.restype = ctypes.c_int64
_sndfile.sf_readf_float.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
_sndfile.sf_close.argtypes = [ctypes.c_void_p]
_sndfile.sf_strerror.restype = ctypes.c_char_p
_sndfile.sf_strerror.argtypes = [ctypes.c_void_p]


def decode(data, suffix):
    """Decodes encoded audio with libsndfile: (sample rate, channels, frames actually read)."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        info = SfInfo()
        handle = _sndfile.sf_open(f.name.encode(), 0x10, ctypes.byref(info))  # SFM_READ
        if not handle:
            raise ValueError("libsndfile cannot read the " + suffix + ": " +
                             _sndfile.sf_strerror(None).decode())
        buffer = (ctypes.c_float * (4096 * max(info.channels, 1)))()
        frames = 0
        while True:
            n = _sndfile.sf_readf_float(handle, buffer, 4096)
            if n <= 0:
                break
            frames += n
        _sndfile.sf_close(handle)
        return info.samplerate, info.channels, frames


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def sse_events(payload):
    """The JSON of each `data:` event in an SSE body, in order."""
    events = []
    for block in payload.decode().split("\n\n"):
        data = [line[5:].lstrip() for line in block.split("\n") if line.startswith("data:")]
        if data and data[0] != "[DONE]":
            events.append(json.loads("\n".join(data)))
    return events


def long_reference_clip(path):
    """The two shared 16 kHz clips end to end (8 s: nano wants more than 5 s) as one WAV."""
    frames, params = b"", None
    for name in ("BAC009S0764W0121.wav", "BAC009S0764W0122.wav"):
        with wave.open(os.path.join(SHARED, "audio", name)) as w:
            params = w.getparams()
            frames += w.readframes(w.getnframes())
    with wave.open(path, "wb") as out:
        out.setparams(params)
        out.writeframes(frames)
    return path
