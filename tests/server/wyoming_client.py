"""A Wyoming client written from the protocol description: an event is a JSON header line
{"type", "data"?, "data_length"?, "payload_length"?, "version"?} and '\\n', then data_length
bytes of JSON data (merged over any inline "data"), then payload_length bytes of payload."""
import json
import socket


class WyomingClient:
    def __init__(self, port, timeout=300):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def send(self, event_type, data=None, payload=b"", inline=False):
        """Data after the header line (data_length), or inline in the header when asked."""
        header = {"type": event_type, "version": "1.8.0"}
        body = json.dumps(data).encode() if data is not None and not inline else b""
        if data is not None and inline:
            header["data"] = data
        if body:
            header["data_length"] = len(body)
        if payload:
            header["payload_length"] = len(payload)
        self.send_raw(json.dumps(header).encode() + b"\n" + body + payload)

    def send_raw(self, data):
        self.sock.sendall(data)

    def receive(self):
        """(type, data, payload), or None once the server closed the connection."""
        line = self.file.readline()
        if not line:
            return None
        header = json.loads(line)
        data = dict(header.get("data") or {})
        if header.get("data_length"):
            data.update(json.loads(self.file.read(header["data_length"])))
        payload = self.file.read(header["payload_length"]) if header.get("payload_length") else b""
        return header["type"], data, payload

    def receive_until(self, *types):
        """Every event up to and including the first of `types`."""
        events = []
        while True:
            event = self.receive()
            if event is None:
                raise ConnectionError(f"closed before {types}; got {[e[0] for e in events]}")
            events.append(event)
            if event[0] in types:
                return events

    def close(self):
        self.file.close()
        self.sock.close()
