"""The no-internet guard itself: it must refuse the internet and allow loopback."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from sitecustomize import InternetAccessError


def test_connect_to_a_public_address_is_refused() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(InternetAccessError),
    ):
        sock.connect(("93.184.216.34", 80))


def test_name_resolution_of_a_public_host_is_refused() -> None:
    with pytest.raises(InternetAccessError):
        socket.getaddrinfo("www.eng.kavkaz-uzel.eu", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_subprocesses_are_guarded_too() -> None:
    code = "import socket; socket.create_connection(('1.1.1.1', 53), timeout=1)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "InternetAccessError" in result.stderr
