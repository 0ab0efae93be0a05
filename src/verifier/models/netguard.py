"""--offline means no socket to anything but loopback; this enforces it rather than hoping."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from verifier.errors import OfflineMiss

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_installed = False


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths stay on this machine
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OfflineMiss(f"--offline: refused a network connection to {address[0]}:{address[1]}")
    return _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OfflineMiss(f"--offline: refused a network connection to {address[0]}:{address[1]}")
    return _original_connect_ex(self, address)


def forbid_network() -> None:
    """Refuse every non-loopback connection from this process from now on."""
    global _installed
    if not _installed:
        socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
        _installed = True


def allow_network() -> None:
    global _installed
    socket.socket.connect = _original_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _original_connect_ex  # type: ignore[method-assign]
    _installed = False


class RedirectRefused(Exception):
    """A provider answered with a redirect to another host: credentials must not follow it."""


_redirects_guarded = False


def refuse_cross_host_redirects() -> None:
    """Make every httpx client (litellm's and the openai SDK's) refuse cross-host redirects.

    Both clients follow redirects, and a redirect would carry the API key's headers (or the
    request body) to whichever host the `Location` names. A redirect within the same
    scheme, host and port is still followed.
    """
    global _redirects_guarded
    if _redirects_guarded:
        return
    import httpx

    original = httpx.Client._build_redirect_request  # shared by Client and AsyncClient

    def guarded(self: Any, request: Any, response: Any) -> Any:
        new = original(self, request, response)
        a, b = request.url, new.url
        if (a.scheme, a.host, a.port) != (b.scheme, b.host, b.port):
            from verifier.models.providers import public_url

            raise RedirectRefused(
                f"{public_url(str(a))} redirected to another host ({public_url(str(b))}); "
                "not followed, so the key is not sent there"
            )
        return new

    httpx._client.BaseClient._build_redirect_request = guarded  # type: ignore[method-assign]
    _redirects_guarded = True
