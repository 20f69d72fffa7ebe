"""A stand-in for the providers (企业微信 and 钉钉 robots, an SMS gateway) on 127.0.0.1 at a random port.

It records every request (path, query, headers, JSON body), answers like the real providers, and can be told to
fail the next N requests (with an error code, an HTTP 500 or by not answering in time). For 钉钉 it checks the
signature the way DingTalk does: the ``timestamp`` must be recent and ``sign`` the base64 HMAC-SHA256 of
"timestamp\\nsecret" — a wrong one answers errcode 310000, as DingTalk does.
"""
import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    path: str
    query: dict
    headers: dict
    body: dict


@dataclass
class ProviderServer:
    dingtalk_secret: str = ""
    requests: list = field(default_factory=list)
    failures: int = 0  # how many of the next requests fail
    failure: str = "errcode"  # "errcode", "http500" or "timeout"
    timeout_seconds: float = 1.0

    def fail(self, times: int, how: str = "errcode"):
        self.failures, self.failure = times, how

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"raw": raw.decode(errors="replace")}
                server.requests.append(Recorded(parts.path, parse_qs(parts.query), dict(self.headers), body))
                if server.failures > 0:
                    server.failures -= 1
                    if server.failure == "timeout":
                        time.sleep(server.timeout_seconds)
                    elif server.failure == "http500":
                        return self.answer({"error": "boom"}, status=500)
                    return self.answer({"errcode": 45009, "errmsg": "api freq out of limit", "code": "LIMITED",
                                        "message": "rate limited"})
                if parts.path.startswith("/dingtalk"):
                    return self.answer(server.check_dingtalk(parse_qs(parts.query)))
                if parts.path.startswith("/sms"):
                    return self.answer({"code": "OK", "message_id": f"sms-{len(server.requests)}"})
                return self.answer({"errcode": 0, "errmsg": "ok"})

            def answer(self, data, status=200):
                payload = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def check_dingtalk(self, query) -> dict:
        if not self.dingtalk_secret:
            return {"errcode": 0, "errmsg": "ok"}
        timestamp, sign = (query.get("timestamp") or [""])[0], (query.get("sign") or [""])[0]
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600 * 1000:
            return {"errcode": 310000, "errmsg": "sign not match: timestamp"}
        expected = base64.b64encode(hmac.new(self.dingtalk_secret.encode(), f"{timestamp}\n{self.dingtalk_secret}"
                                             .encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(sign, expected):
            return {"errcode": 310000, "errmsg": "sign not match"}
        return {"errcode": 0, "errmsg": "ok"}
