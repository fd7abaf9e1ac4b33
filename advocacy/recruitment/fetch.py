"""Fetching a feed from the outside world: time-limited, size-limited, public addresses only.

Every hop's host is resolved once and the connection goes to that very address, so a DNS
answer cannot change between the check and the connection; a redirect to a private,
loopback or link-local address is refused like a direct one.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit


class FetchError(Exception):
    """Why a feed could not be fetched, in words a curator can act on."""


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    body: bytes


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"the host {host} cannot be found") from exc
    addresses = [str(info[4][0]) for info in infos]  # an IPv4 or IPv6 address
    if not allow_private:
        refused = [a for a in addresses if not _public(a)]
        if refused:
            raise FetchError(f"the host {host} has a private or local address ({refused[0]})")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 2_000_000,
          allow_private: bool = False, max_redirects: int = 3) -> Fetched:
    """GET `url`, following at most `max_redirects` redirects, each hop checked again."""
    deadline = time.monotonic() + timeout
    for _hop in range(max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise FetchError("only http:// and https:// addresses can be read")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port, allow_private)
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"no answer within {timeout:g} seconds")
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = cls(parts.hostname, port, address, left)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("GET", path, headers={
                "User-Agent": "advocacy-job-feed/1.0",
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                          "application/json, application/xml, text/xml;q=0.9, */*;q=0.1",
            })
            sock = conn.sock  # http.client lets go of it once the response will close
            response = conn.getresponse()
            if response.status in {301, 302, 303, 307, 308}:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"a redirect ({response.status}) without a target")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"the server answered {response.status} {response.reason}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"the feed is larger than {max_bytes // 1000} kB")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"no complete answer within {timeout:g} seconds")
                if sock is not None:
                    sock.settimeout(max(0.05, deadline - time.monotonic()))
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"the feed is larger than {max_bytes // 1000} kB")
                chunks.append(chunk)
            return Fetched(url, response.getheader("Content-Type", ""), b"".join(chunks))
        except TimeoutError as exc:
            raise FetchError(f"no answer within {timeout:g} seconds") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"the connection failed: {exc}") from exc
        finally:
            conn.close()
    raise FetchError(f"more than {max_redirects} redirects")
