"""The client's address behind a trusted reverse proxy.

gunicorn leaves REMOTE_ADDR as the proxy's address. When the request comes
from one of ``RUSFELT_TRUSTED_PROXIES``, REMOTE_ADDR becomes the right-most
address in X-Forwarded-For that is not itself a trusted proxy (the rule of
nginx's ``real_ip_recursive``), so the audit log and django-axes (which read
REMOTE_ADDR) see the client. From any other peer the X-Forwarded-* headers
are dropped, so nobody can forge an address or a scheme.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted(address, proxies) -> bool:
    ip = _parse(address) if isinstance(address, str) else address
    return ip is not None and any(ip in net for net in _networks(tuple(proxies)))


def client_address(peer: str, forwarded_for: str, proxies) -> str:
    """The client's address given the peer, the X-Forwarded-For header and the proxies."""
    if not proxies or not is_trusted(peer, proxies):
        return peer
    for entry in reversed([a for a in forwarded_for.split(",") if a.strip()]):
        ip = _parse(entry)
        if ip is None:
            break  # a garbled hop: stop at the last address we could trust
        if not is_trusted(ip, proxies):
            return str(ip)
        peer = str(ip)
    return peer


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.RUSFELT_TRUSTED_PROXIES
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        if proxies and is_trusted(peer, proxies):
            meta["REMOTE_ADDR"] = client_address(
                peer, meta.get("HTTP_X_FORWARDED_FOR", ""), proxies)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
