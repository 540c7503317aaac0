"""`sinkscribe web` (and `--web` on `replay`, `run`, `serve`): the meeting in a browser.

An aiohttp server that serves one static page (pipeline/web_static: plain HTML, CSS and JavaScript, no
build step, nothing from elsewhere) and bridges the ZeroMQ sockets to it (pipeline/web_bridge.py):

    GET  /                         the page
    GET  /events                   server-sent events: `state` first (everything, after every reconnect),
                                   then line, partial, notes, answer, health, eos, streams
    GET  /api/state                the same state as JSON
    GET  /api/streams              a service's streams and their state (live, ended, lost, failed)
    POST /api/ask                  {"question": "..."} -> the answer (it is also sent to every page)
    GET  /api/sessions             the stored sessions
    GET  /api/sessions/NAME        one stored session: its notes, answers and newest lines
    GET  /api/sessions/NAME/lines  ?before=SEQ or ?after=SEQ or ?around=SEQ, &limit=N: transcript lines
    GET  /api/sessions/NAME/export ?format=md|srt|vtt|jsonl: a download

Following a service (`serve --web`, `web --connect`), `/events` and `/api/state` take `?stream=NAME`
(the stream a page follows; the page's URL `/?stream=NAME` picks it) and a question carries "stream".

Security follows the sockets' rule (pipeline/security.py): loopback by default; beyond it only with
CURVE on the sockets, TLS (or --insecure, warned) and a token, which every request must carry (the page
URL's ?token= sets a cookie). On loopback the Host header must be a loopback name (no DNS rebinding), and
a POST from another origin is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from pipeline.errors import ConfigError, TransportError
from pipeline.messages import Answer
from pipeline.security import is_local
from pipeline.web_bridge import Bridge, TooManyStreams
from pipeline.web_follow import answer_json, items_json, read_lines

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "web_static"
COOKIE = "sinkscribe_token"
ASK_TIMEOUT_S = 120.0
QUESTION_MAX_CHARS = 500  # the stage's summarize.question_max_chars; it checks again
MAX_BODY = 16 * 1024
MAX_LINES = 500
KEEPALIVE_S = 15.0
EXPORT_TYPES = {"md": "text/markdown", "srt": "application/x-subrip", "vtt": "text/vtt",
                "jsonl": "application/x-ndjson"}  # fmt: skip
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class WebOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    token: str = ""  # "" on loopback: none needed
    certfile: str = ""
    keyfile: str = ""
    insecure: bool = False  # beyond loopback without TLS (a warning is logged)

    @property
    def local(self) -> bool:
        return is_local(f"tcp://{self.host}:{self.port}")

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.certfile else "http"
        return f"{scheme}://{host}:{self.port}/" + (f"?token={self.token}" if self.token else "")


def check_options(options: WebOptions, security: Any) -> WebOptions:
    """The security rule; returns the options with a generated token where one is needed."""
    if not 1 <= options.port <= 65535:
        raise ConfigError(f"port {options.port} is not a TCP port (1..65535)")
    if bool(options.certfile) != bool(options.keyfile):
        raise ConfigError("give both --certfile and --keyfile for TLS, or neither")
    if options.local:
        return options
    if not security.curve:
        raise ConfigError(f"serving on {options.host} would show the meeting beyond this machine, but the sockets it "
                          "reads are not encrypted: turn on CURVE ([security] curve = true) or serve on 127.0.0.1")  # fmt: skip
    if not options.certfile and not options.insecure:
        raise ConfigError(f"serving on {options.host} needs TLS (--certfile, --keyfile) or --insecure (plain HTTP: "
                          "the token and the meeting travel unencrypted)")  # fmt: skip
    if not options.token:
        options = WebOptions(**(options.__dict__ | {"token": secrets.token_urlsafe(24)}))
    return options


def check_stream(name: str) -> str:
    """A stream id a page may name: what a service admits (a plain session name, at most 128 characters)."""
    from stages.summarize.catalog import check_name

    try:
        return check_name(name)
    except ConfigError:
        raise web.HTTPBadRequest(reason=f"stream {name[:140]!r} is not a stream id (a plain name: no '/', not "
                                 "starting with '.', at most 128 characters)") from None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=HEADERS)


def make_app(bridge: Bridge, options: WebOptions) -> web.Application:
    loopback_hosts = {"localhost", "127.0.0.1", "::1", "[::1]"}

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if options.local and (request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host) \
                not in loopback_hosts and not request.host.startswith("127."):  # fmt: skip
            return _error(403, "this server answers only to localhost (its Host header)")
        if options.token:
            given = request.query.get("token") or request.cookies.get(COOKIE) or \
                request.headers.get("Authorization", "").removeprefix("Bearer ")  # fmt: skip
            if not hmac.compare_digest(given.encode(), options.token.encode()):
                return _error(401, "a valid token is needed: open the URL `sinkscribe web` printed")
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin and origin.split("://", 1)[-1] != request.host:
                return _error(403, "a question from another site's page is refused")
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            return _error(exc.status, exc.reason)
        if isinstance(response, web.Response):
            response.headers.update(HEADERS)
        if options.token and request.query.get("token"):
            response.set_cookie(COOKIE, options.token, httponly=True, samesite="Strict", secure=bool(options.certfile))
        return response

    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)

    async def index(_request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    def stream_of(request: web.Request) -> str:
        """The `?stream=` a page follows on a service ("" = none chosen); ignored on a single pipeline."""
        stream = request.query.get("stream", "")
        if bridge.service and stream:
            check_stream(stream)
        return stream if bridge.service else ""

    async def events(request: web.Request) -> web.StreamResponse:
        stream = stream_of(request)
        try:
            listener, follow = bridge.listen(stream)
        except TooManyStreams as exc:
            return _error(503, str(exc))
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                               "X-Accel-Buffering": "no"})  # fmt: skip
        try:
            await response.prepare(request)
            await response.write(b"retry: 1000\n\n")
            await _send(response, bridge.event_id, "state", bridge.state(follow))
            while not listener.dropped:
                try:
                    event = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if event is None:
                    break
                if event.name == "state" and follow is not None:
                    event.data = bridge.state(follow)  # the stream list goes with every state
                await _send(response, event.id, event.name, event.data)
        except (ConnectionResetError, ConnectionError):
            pass
        finally:
            bridge.unlisten(listener)
        return response

    async def state(request: web.Request) -> web.Response:
        stream = stream_of(request)
        try:
            follow = bridge.follow(stream) if stream or not bridge.service else None
        except TooManyStreams as exc:
            return _error(503, str(exc))
        return web.json_response(bridge.state(follow))

    async def streams(_request: web.Request) -> web.Response:
        return web.json_response({"service": bridge.service, "streams": bridge.streams() if bridge.service else []})

    async def ask(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            return _error(400, "the body must be JSON: {\"question\": \"...\"}")
        question = body.get("question") if isinstance(body, dict) else None
        stream = body.get("stream", "") if isinstance(body, dict) else ""
        if not isinstance(question, str) or not isinstance(stream, str):
            return _error(400, "the body must be JSON: {\"question\": \"...\"}")
        if bridge.service:  # a service: which stream the question is about
            if not stream:
                return _error(400, "this page server follows a service: say which stream (\"stream\": NAME)")
            check_stream(stream)
        question = question.strip()
        if not question:
            return _error(400, "the question is empty")
        if len(question) > QUESTION_MAX_CHARS:
            return _error(400, f"the question is {len(question)} characters; the limit is {QUESTION_MAX_CHARS}")
        reply = await bridge.ask(question, ASK_TIMEOUT_S, stream)
        if reply is None:
            return _error(504, f"no answer within {ASK_TIMEOUT_S:g} s (is summarize running at "
                               f"{bridge.cfg.endpoints.requests}?)")  # fmt: skip
        if not isinstance(reply, Answer):
            return _error(400, reply.message)
        return web.json_response(answer_json(reply))

    async def sessions(_request: web.Request) -> web.Response:
        from stages.summarize import catalog

        found = await asyncio.to_thread(catalog.list_sessions, bridge.shelf)
        found = [s for s in found if bridge.readable(s.name)]  # a service: the streams this page may read
        return web.json_response([{"name": s.name, "source": s.source_name, "created": s.created,
                                   "audio_seconds": s.audio_seconds, "segments": s.segments, "state": s.state}
                                  for s in reversed(found)])  # fmt: skip

    async def stored(request: web.Request) -> Any:
        from stages.summarize import catalog

        name = request.match_info["name"]
        try:
            catalog.check_name(name)
        except ConfigError as exc:
            raise web.HTTPNotFound(reason=str(exc)) from None
        ref = await asyncio.to_thread(bridge.stored_ref, name)  # a database shelf answers over the network
        if ref is None or not bridge.readable(name):
            raise web.HTTPNotFound(reason=f"no session {name!r} is stored here")
        return ref

    async def session(request: web.Request) -> web.Response:
        ref = await stored(request)
        return web.json_response(await asyncio.to_thread(_session_view, ref))

    async def lines(request: web.Request) -> web.Response:
        ref = await stored(request)
        try:
            limit = min(MAX_LINES, max(1, int(request.query.get("limit", "100"))))
            spots = {k: int(request.query[k]) for k in ("before", "after", "around") if k in request.query}
        except ValueError:
            return _error(400, "before, after, around and limit are whole numbers")
        if "around" in spots:
            first = max(0, spots["around"] - limit // 2)
            found = await asyncio.to_thread(read_lines, ref, after=first - 1, limit=limit)
        else:
            found = await asyncio.to_thread(read_lines, ref, before=spots.get("before"), after=spots.get("after"),
                                            limit=limit)  # fmt: skip
        return web.json_response({"session": ref.name, "lines": found})

    async def export(request: web.Request) -> web.Response:
        ref = await stored(request)
        fmt = request.query.get("format", "md")
        if fmt not in EXPORT_TYPES:
            return _error(400, f"format {fmt!r}: one of {', '.join(EXPORT_TYPES)}")
        text = await asyncio.to_thread(_export, ref, fmt)
        return web.Response(text=text, content_type=EXPORT_TYPES[fmt], charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{ref.name}.{fmt}"'})  # fmt: skip

    app.add_routes([web.get("/", index), web.get("/events", events), web.get("/api/state", state),
                    web.get("/api/streams", streams),
                    web.post("/api/ask", ask), web.get("/api/sessions", sessions),
                    web.get("/api/sessions/{name}", session), web.get("/api/sessions/{name}/lines", lines),
                    web.get("/api/sessions/{name}/export", export), web.static("/static", STATIC)])  # fmt: skip
    return app


async def _send(response: web.StreamResponse, event_id: int, name: str, data: dict[str, Any]) -> None:
    payload = json.dumps(data, separators=(",", ":"))  # one line: JSON escapes every newline
    await response.write(f"id: {event_id}\nevent: {name}\ndata: {payload}\n\n".encode())


def _session_view(ref: Any) -> dict[str, Any]:
    from stages.summarize import catalog
    from stages.summarize.notes import Notes

    with ref.open_existing() as store:
        info = catalog.read_info(store)
        summary = store.latest_summary()
        items = Notes.from_json(store.latest_notes() or []).messages()
        answers = store.answers()
    notes = None
    if summary is not None:
        notes = {"text": summary.text, "items": items_json(items), "upto_seq": summary.upto_seq,
                 "upto": summary.upto, "final": summary.final}  # fmt: skip
    return {"session": info.name, "source": info.source_name, "state": info.state, "segments": info.segments,
            "audio_seconds": info.audio_seconds, "notes": notes, "lines": read_lines(ref, limit=200),
            "answers": [{"request_id": a["request_id"], "question": a["question"], "text": a["answer"],
                         "citations": [{"seq": c[0], "start": c[1], "end": c[2], "text": c[3]} for c in a["citations"]]}
                        for a in answers]}  # fmt: skip


def _export(ref: Any, fmt: str) -> str:
    from stages.summarize.export import export

    with ref.open_existing() as store:
        return export(store, fmt)


async def serve(cfg: Any, shelf: Any, options: WebOptions, stopped: asyncio.Event,
                started: Any = None, service: bool = False) -> None:  # fmt: skip
    """Serve until `stopped` is set; `started(url)` is called once listening. A port that cannot be
    bound is a one-line TransportError. `service`: the endpoints are a `sinkscribe serve`'s (many
    streams, a picker on the page)."""
    context = None
    if options.certfile:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(options.certfile, options.keyfile)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"cannot load the TLS certificate {options.certfile}: {exc}") from None
    if not options.local and not options.certfile:
        log.warning("serving %s over plain HTTP (--insecure): the token and the meeting travel unencrypted",
                    options.host)  # fmt: skip
    bridge = Bridge(cfg, shelf, service=service)
    runner = web.AppRunner(make_app(bridge, options), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port, ssl_context=context)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise TransportError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
    bridging = asyncio.create_task(bridge.run())
    try:
        if started is not None:
            started(options.url)
        await stopped.wait()
    finally:
        bridge.close_listeners()
        bridging.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bridging
        await runner.cleanup()


def run_forever(cfg: Any, shelf: Any, options: WebOptions, started: Any = None, service: bool = False) -> None:
    """`sinkscribe web`: until Ctrl-C or SIGTERM."""
    import signal

    async def main() -> None:
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
        await serve(cfg, shelf, options, stopped, started, service)

    asyncio.run(main())


class WebThread:
    """The page beside `replay --web` / `run --web` / `serve --web`: the same server in a thread of the command."""

    def __init__(self, cfg: Any, shelf: Any, options: WebOptions, service: bool = False) -> None:
        self.args = (cfg, shelf, options)
        self.service = service
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopped: asyncio.Event | None = None
        self.ready = threading.Event()
        self.url = ""
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="web", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self.loop, self.stopped = asyncio.get_running_loop(), asyncio.Event()
            await serve(*self.args, self.stopped, self._started, self.service)

        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 (handed to the command's thread, which reports it)
            self.error = exc
        finally:
            self.ready.set()

    def _started(self, url: str) -> None:
        self.url = url
        self.ready.set()

    def start(self) -> str:
        self.thread.start()
        self.ready.wait(30)
        if self.error is not None:
            raise self.error
        return self.url

    def stop(self) -> None:
        if self.loop is not None and self.stopped is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.stopped.set)
        self.thread.join(10)
