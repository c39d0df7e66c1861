"""The replica over real loopback sockets: keep-alive, proxy requests, every fault mode."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator

import pytest

from knotcrawl.replica import Replica, ReplicaConfig, ReplicaServer, serve_in_thread

EN = "www.eng.kavkaz-uzel.eu"
RU = "www.kavkaz-uzel.eu"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    config = ReplicaConfig(
        seed=7,
        articles=300,
        faults=[
            "/articles/1*=503x2",
            "/rubric/10?page=2=429:7",
            "/rubric/10?page=3=drop",
            "/rubric/10?page=4=truncate:0.25",
            "/rubric/10?page=5=slow:0.3x1",
            "/category/3*=malformed",
            "/category/5*=cp1251",
            "/abhazia*=loop",
            "/northcaucdistr?page=2=redirect:/category/3?page=4",
            "/robots.txt=robots:/rubric/10,/category/8",
            "/karachaevo=500",
        ],
    )
    with serve_in_thread(config) as srv:
        yield srv


def get(server: ReplicaServer, host: str, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def fetch(server: ReplicaServer, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def raw(server: ReplicaServer, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def test_addresses(server: ReplicaServer) -> None:
    assert server.port > 0
    assert server.proxy_url == f"http://127.0.0.1:{server.port}"
    assert server.base_url("en") == "http://www.eng.kavkaz-uzel.eu"
    assert server.base_url("ru") == "http://www.kavkaz-uzel.eu"


def test_keep_alive_and_same_bytes_as_respond(server: ReplicaServer) -> None:
    rep = server.replica
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    for article_id in rep.live_ids("ru")[:10]:
        conn.request("GET", f"/articles/{article_id}", headers={"Host": RU})
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200
        assert resp.getheader("Connection") == "keep-alive"
        assert body == rep.respond("GET", RU, f"/articles/{article_id}").body
    conn.close()


def test_proxy_style_absolute_uri(server: ReplicaServer) -> None:
    data = raw(
        server,
        b"GET http://www.eng.kavkaz-uzel.eu/rubric/11 HTTP/1.1\r\n"
        b"Host: www.eng.kavkaz-uzel.eu\r\nConnection: close\r\n\r\n",
    )
    assert data.startswith(b"HTTP/1.1 200 ")
    assert b"/articles/" in data
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "http://www.kavkaz-uzel.eu/articles")  # http.client proxy form
    resp = conn.getresponse()
    assert resp.status == 200 and "Лента новостей".encode() in resp.read()


def test_pipelined_requests(server: ReplicaServer) -> None:
    one = b"GET /rubric/11 HTTP/1.1\r\nHost: www.eng.kavkaz-uzel.eu\r\n\r\n"
    last = b"GET /rubric/11 HTTP/1.1\r\nHost: www.eng.kavkaz-uzel.eu\r\nConnection: close\r\n\r\n"
    data = raw(server, one * 3 + last)
    assert data.count(b"HTTP/1.1 200 OK") == 4


def test_unknown_host_help(server: ReplicaServer) -> None:
    status, _, body = fetch(server, f"127.0.0.1:{server.port}", "/")
    assert status == 200 and b"proxy" in body
    assert fetch(server, f"127.0.0.1:{server.port}", "/rubric/11")[0] == 404


def test_redirect_host(server: ReplicaServer) -> None:
    status, headers, _ = fetch(server, "eng.kavkaz-uzel.eu", "/rubric/11")
    assert status == 301 and headers["location"] == "http://www.eng.kavkaz-uzel.eu/rubric/11"


def test_fault_5xx_first_k_then_ok(server: ReplicaServer) -> None:
    article_id = next(i for i in server.replica.live_ids("en") if str(i).startswith("1"))
    path = f"/articles/{article_id}"
    assert [fetch(server, EN, path)[0] for _ in range(3)] == [503, 503, 200]
    assert fetch(server, EN, "/karachaevo")[0] == 500


def test_fault_429(server: ReplicaServer) -> None:
    status, headers, _ = fetch(server, EN, "/rubric/10?page=2")
    assert status == 429 and headers["retry-after"] == "7"


def test_fault_drop(server: ReplicaServer) -> None:
    data = raw(server, b"GET /rubric/10?page=3 HTTP/1.1\r\nHost: www.eng.kavkaz-uzel.eu\r\n\r\n")
    assert data == b""


def test_fault_truncate(server: ReplicaServer) -> None:
    data = raw(server, b"GET /rubric/10?page=4 HTTP/1.1\r\nHost: www.eng.kavkaz-uzel.eu\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert 0 < len(body) < length
    with pytest.raises(http.client.IncompleteRead):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/rubric/10?page=4", headers={"Host": EN})
        conn.getresponse().read()


def test_fault_slow_once(server: ReplicaServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=0.1)
    conn.request("GET", "/rubric/10?page=5", headers={"Host": EN})
    with pytest.raises(TimeoutError):
        conn.getresponse()
    conn.close()
    assert fetch(server, EN, "/rubric/10?page=5")[0] == 200  # x1: only the first is slow


def test_fault_malformed_keeps_text(server: ReplicaServer) -> None:
    import lxml.html

    status, _, body = fetch(server, EN, "/category/3")
    clean = Replica(ReplicaConfig(seed=7, articles=300)).respond("GET", EN, "/category/3").body
    assert status == 200 and body != clean and b"</p>" not in body
    text = " ".join(lxml.html.fromstring(body).text_content().split())
    clean_text = " ".join(lxml.html.fromstring(clean).text_content().split())
    assert text == clean_text


def test_fault_cp1251_header_only(server: ReplicaServer) -> None:
    status, headers, body = fetch(server, EN, "/category/5")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=windows-1251"
    assert b"charset=" not in body.lower()
    text = body.decode("windows-1251")
    assert "ИНОСТРАННЫМ АГЕНТОМ" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_fault_redirect_loop(server: ReplicaServer) -> None:
    status, headers, _ = fetch(server, EN, "/abhazia")
    assert status == 302 and headers["location"] == "http://www.eng.kavkaz-uzel.eu/abhazia?loop=1"
    status, headers, _ = fetch(server, EN, "/abhazia?loop=1")
    assert status == 302 and headers["location"] == "http://www.eng.kavkaz-uzel.eu/abhazia"


def test_fault_redirect(server: ReplicaServer) -> None:
    status, headers, _ = fetch(server, EN, "/northcaucdistr?page=2")
    assert (status, headers["location"]) == (302, f"http://{EN}/category/3?page=4")


def test_fault_robots(server: ReplicaServer) -> None:
    status, _, body = fetch(server, EN, "/robots.txt")
    assert status == 200
    assert b"Disallow: /rubric/10\n" in body and b"Disallow: /category/8\n" in body


def test_random_faults_are_deterministic_and_transient() -> None:
    def statuses() -> list[int]:
        rep = Replica(ReplicaConfig(seed=3, articles=60, fault_rate=0.3))
        out = []
        for article_id in rep.live_ids("en")[:30]:
            for _ in range(8):  # retry until it answers normally
                resp = rep.respond("GET", EN, f"/articles/{article_id}")
                out.append(resp.status if resp.action is None else -1)
                if resp.status == 200 and resp.action in (None, "slow"):
                    break
            else:
                raise AssertionError("a random fault never cleared")
        return out

    first = statuses()
    assert first == statuses()
    assert set(first) - {200}


def test_head_request(server: ReplicaServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("HEAD", "/rubric/11", headers={"Host": EN})
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.getheader("Content-Length") or 0) > 1000
    assert resp.read() == b""


def test_connect_tunnel_tls(server: ReplicaServer) -> None:
    conn = http.client.HTTPSConnection(
        "127.0.0.1", server.port, timeout=10, context=ssl._create_unverified_context()
    )
    conn.set_tunnel("www.kavkaz-uzel.eu", 443)
    conn.request("GET", "/articles.rss")
    resp = conn.getresponse()
    assert resp.status == 200 and b"<rss" in resp.read()
    conn.close()


def test_stop_is_clean() -> None:
    with serve_in_thread(ReplicaConfig(seed=2, articles=30)) as srv:
        port = srv.port
        assert fetch(srv, EN, "/rubric/11")[0] == 200
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
