"""A small, fast HTTP/1.1 server for the replica (asyncio protocol, keep-alive, pipelining).

It dispatches by the ``Host`` header and also accepts absolute-URI request targets, so it works
as an HTTP proxy for crawlers (``GET http://www.eng.kavkaz-uzel.eu/rubric/11 HTTP/1.1``).
``CONNECT host:443`` is answered too: the tunnel is terminated here with a throw-away
self-signed certificate (Scrapy does not verify certificates by default), so ``https://`` links
of the sites can be followed through the proxy as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from .config import ReplicaConfig
from .dates import http_date
from .site import CANONICAL_HOST, REASONS, Replica, Response

MAX_HEAD = 65536


class _Connection(asyncio.Protocol):
    def __init__(self, server: ReplicaServer) -> None:
        self.server = server
        self.replica = server.replica
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.busy = False
        self.closed = False
        self.tunnel_host: str | None = None  # after CONNECT: the host of the tunnel

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._process()

    def _close(self) -> None:
        if self.transport is not None and not self.closed:
            self.closed = True
            self.transport.close()

    def _process(self) -> None:
        while not self.busy and not self.closed:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self._write_simple(400, b"request head too large\n", False)
                    self._close()
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._write_simple(400, b"bad request line\n", False)
                self._close()
                return
            host = ""
            connection = ""
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                lname = name.strip().lower()
                if lname == "host":
                    host = value.strip()
                elif lname == "connection":
                    connection = value.strip().lower()
                elif lname == "content-length":
                    with contextlib.suppress(ValueError):
                        length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return  # wait for the request body
            del self.buffer[: end + 4 + length]
            keep = (
                (connection != "close") if version == "HTTP/1.1" else (connection == "keep-alive")
            )
            if method == "CONNECT":
                self._connect(target)
                return
            if self.tunnel_host and not target.startswith(("http://", "https://")):
                host = self.tunnel_host
            try:
                response = self.replica.respond(method, host, target)
            except Exception as exc:  # a bug must not kill the server
                response = Response(
                    500,
                    [("Content-Type", "text/plain; charset=utf-8")],
                    f"replica error: {exc!r}\n".encode(),
                )
            self.server.requests += 1
            self._send(response, keep, method == "HEAD")

    def _send(self, response: Response, keep: bool, head_only: bool) -> None:
        if response.action == "drop":
            self._close()
            return
        if response.action == "slow" and response.action_arg > 0:
            self.busy = True
            plain = Response(response.status, response.headers, response.body)
            loop = asyncio.get_running_loop()
            loop.call_later(response.action_arg, self._resume, plain, keep, head_only)
            return
        body = response.body
        headers = self._head(response.status, response.headers, len(body), keep)
        assert self.transport is not None
        if response.action == "truncate":
            cut = int(len(body) * max(0.0, min(response.action_arg, 0.99)))
            self.transport.write(headers + body[:cut])
            self._close()
            return
        self.transport.write(headers if head_only else headers + body)
        if not keep:
            self._close()

    def _resume(self, response: Response, keep: bool, head_only: bool) -> None:
        self.busy = False
        if self.closed:
            return
        self._send(response, keep, head_only)
        self._process()

    def _head(self, status: int, headers: list[tuple[str, str]], length: int, keep: bool) -> bytes:
        out = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}\r\n"]
        out += [f"{k}: {v}\r\n" for k, v in headers]
        out.append(
            f"Content-Length: {length}\r\nDate: {self.server.date}\r\n"
            f"Server: knotcrawl-replica\r\n"
            f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n"
        )
        return "".join(out).encode("latin-1", errors="replace")

    def _write_simple(self, status: int, body: bytes, keep: bool) -> None:
        assert self.transport is not None
        self.transport.write(
            self._head(status, [("Content-Type", "text/plain")], len(body), keep) + body
        )

    def _connect(self, target: str) -> None:
        host = target.rsplit(":", 1)[0]
        assert self.transport is not None
        # Stop reading first: the client's TLS hello must reach the TLS layer, not this one.
        self.transport.pause_reading()
        self.transport.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.busy = True
        self.tunnel_host = host
        task = asyncio.get_running_loop().create_task(self._start_tls())
        # The loop keeps only a weak reference to tasks: hold it until it is done.
        self.server.tasks.add(task)
        task.add_done_callback(self.server.tasks.discard)

    async def _start_tls(self) -> None:
        loop = asyncio.get_running_loop()
        assert self.transport is not None
        try:
            transport = await loop.start_tls(
                self.transport, self, self.server.tls_context(), server_side=True
            )
        except (OSError, ssl.SSLError, ConnectionError):
            self._close()
            return
        if transport is None:
            self._close()
            return
        self.transport = transport
        self.busy = False
        self._process()


class ReplicaServer:
    """The replica listening on a socket; ``serve_in_thread`` runs one in a background thread."""

    def __init__(self, replica: Replica, host: str = "127.0.0.1", port: int = 0) -> None:
        self.replica = replica
        self.host = host
        self.port = port
        self.requests = 0
        self.connections: set[_Connection] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.date = http_date(replica.now)
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._tls: ssl.SSLContext | None = None

    # ---- addresses ------------------------------------------------------------------------
    @property
    def proxy_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def base_url(self, edition: str) -> str:
        return f"http://{CANONICAL_HOST[edition]}"

    # ---- asyncio ----------------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._server = await loop.create_server(
            lambda: _Connection(self), self.host, self.port, reuse_address=True, backlog=512
        )
        sock = self._server.sockets[0]
        self.port = sock.getsockname()[1]
        # Made before the first CONNECT: building it inside the tunnel's handshake path
        # stalled the handshake.
        self.tls_context()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for conn in list(self.connections):
                conn._close()
            await self._server.wait_closed()
            self._server = None

    def tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = _shared_tls_context()
        return self._tls

    # ---- thread -----------------------------------------------------------------------------
    def start_in_thread(self) -> ReplicaServer:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # report bind errors to the caller
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.close())
                loop.close()

        self._thread = threading.Thread(target=run, name="knotcrawl-replica", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    config: ReplicaConfig | Replica | None = None, host: str = "127.0.0.1", port: int = 0
) -> ReplicaServer:
    """Start the replica in a background thread; use as a context manager."""
    replica = config if isinstance(config, Replica) else Replica(config)
    return ReplicaServer(replica, host, port).start_in_thread()


def run_forever(
    replica: Replica, host: str, port: int, on_ready: Callable[[ReplicaServer], Any] | None = None
) -> None:
    """Serve until SIGINT/SIGTERM (the ``knotcrawl replica serve`` command)."""

    async def main() -> None:
        server = ReplicaServer(replica, host, port)
        await server.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        if on_ready is not None:
            on_ready(server)
        await stop.wait()
        await server.close()

    asyncio.run(main())


_TLS: list[ssl.SSLContext] = []
_TLS_LOCK = threading.Lock()


def _shared_tls_context() -> ssl.SSLContext:
    with _TLS_LOCK:
        if not _TLS:
            _TLS.append(_self_signed_context())
        return _TLS[0]


def _self_signed_context() -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for the sites' names."""
    import datetime as _dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from .site import HOSTS

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "knotcrawl replica")])
    start = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + _dt.timedelta(days=365 * 60))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(h) for h in HOSTS]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    with tempfile.TemporaryDirectory() as tmp:
        cert_path = Path(tmp) / "cert.pem"
        key_path = Path(tmp) / "key.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(cert_path), str(key_path))
    return ctx
