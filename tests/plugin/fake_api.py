"""A stand-in for the Messages API, so that the real Claude Code CLI runs whole turns offline.

`claude -p` with ANTHROPIC_BASE_URL=http://127.0.0.1:<port> and any ANTHROPIC_API_KEY posts
each model call to /v1/messages (streamed); this server answers each with the next of its
scripted replies (a text, or a tool call), then with ``FINAL`` forever, and keeps every
request body, so a test sees what the CLI sent: the hooks' context, their feedback, the
tool results. The replies are server-sent events as the Messages API streams them.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FINAL = "Done for now. Shall I go on with another experiment?"


def text(words: str) -> list[dict]:
    return [{"type": "text", "text": words}]


def bash(command: str, ident: str = "toolu_01") -> list[dict]:
    return [{"type": "tool_use", "id": ident, "name": "Bash",
             "input": {"command": command, "description": "run the helper"}}]


def _events(model: str, content: list[dict]) -> bytes:
    stop = "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
    message = {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
               "content": [], "stop_reason": None, "stop_sequence": None,
               "usage": {"input_tokens": 1, "output_tokens": 1}}
    events = [("message_start", {"type": "message_start", "message": message})]
    for index, block in enumerate(content):
        if block["type"] == "text":
            start, delta = {"type": "text", "text": ""}, {"type": "text_delta", "text": block["text"]}
        else:
            start = {**block, "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        events += [("content_block_start", {"type": "content_block_start", "index": index,
                                            "content_block": start}),
                   ("content_block_delta", {"type": "content_block_delta", "index": index,
                                            "delta": delta}),
                   ("content_block_stop", {"type": "content_block_stop", "index": index})]
    events += [("message_delta", {"type": "message_delta", "usage": {"output_tokens": 5},
                                  "delta": {"stop_reason": stop, "stop_sequence": None}}),
               ("message_stop", {"type": "message_stop"})]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()


class FakeApi:
    """``with FakeApi([reply, ...]) as api:`` then ``api.url``, ``api.requests``."""

    def __init__(self, replies: list[list[dict]] | None = None):
        self.replies = list(replies or [])
        self.requests: list[dict] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                api.requests.append(body)
                content = api.replies.pop(0) if api.replies else text(FINAL)
                data = _events(body.get("model", "claude"), content)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.send_response(404)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeApi":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def user_texts(self, request: int) -> list[str]:
        """The text of every user turn the CLI sent in request number ``request``
        (strings, text blocks, tool results)."""
        found = []
        for message in self.requests[request]["messages"]:
            if message["role"] != "user":
                continue
            content = message["content"]
            for block in [{"type": "text", "text": content}] if isinstance(content, str) else content:
                if block.get("type") == "text":
                    found.append(block["text"])
                elif block.get("type") == "tool_result":
                    inner = block.get("content")
                    found += [inner] if isinstance(inner, str) else [
                        b.get("text", "") for b in inner or [] if b.get("type") == "text"]
        return found
