"""Security headers, trusted-proxy handling, constant-time comparison and rich-text cleaning."""

from __future__ import annotations

import hmac
import os
import re
import unicodedata
from urllib.parse import unquote, urlsplit

import nh3
from flask import Flask, abort, request
from markupsafe import Markup

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self' https:; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

# The small set of tags curators may use in guidelines and other rich text.
RICH_TAGS = {
    "p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code",
}
RICH_ATTRIBUTES = {"a": {"href", "title"}}
RICH_SCHEMES = {"http", "https", "mailto"}
_HAS_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def tokens_equal(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Compare secrets in constant time, so timing reveals nothing about the expected value."""
    if given is None or expected is None:
        return False
    if isinstance(given, str):
        given = given.encode()
    if isinstance(expected, str):
        expected = expected.encode()
    return hmac.compare_digest(given, expected)


# Full stops that browsers' host parsing (IDNA/UTS 46) maps to '.'.
_FULL_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
MAX_NEXT_LENGTH = 2000


def _normalised(target: str) -> str:
    """The target as a lenient browser might read it: decoded, NFKC, '\\' as '/', '。' as '.'."""
    candidate = target
    for _ in range(4):  # %252F -> %2F -> /
        decoded = unquote(candidate)
        if decoded == candidate:
            break
        candidate = decoded
    candidate = unicodedata.normalize("NFKC", candidate).translate(_FULL_STOPS)
    return candidate.replace("\\", "/")


def _host_free_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    # Browsers drop tabs and newlines ("/\t/evil" is "//evil"), and so does urlsplit, so
    # they are looked for before the value is parsed: up to the first '?' or '#', where
    # they could move the host. After it they cannot, and a query of ours may hold an
    # encoded "%00" that the decoded form reads as a control character.
    head = re.split(r"[?#]", value, maxsplit=1)[0]
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in head):
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return False
    if any(ch.isspace() for ch in parts.path):  # a query may hold spaces
        return False
    # Dot segments: "/.//evil" becomes "//evil" once a browser or proxy resolves them; our
    # own links never contain them.
    return not any(segment in (".", "..") for segment in parts.path.split("/"))


def safe_path(target: str | None) -> str | None:
    """`target` if it is a path on this site however it is read, else None (next= values).

    The raw value and its normalised form (percent-decoded, NFKC, backslashes as slashes,
    Unicode full stops as '.') must both be host-free paths according to the URL parser:
    starting with one '/', no scheme, no host, no control characters or spaces, no '.' or
    '..' segment. Anything else is refused rather than repaired.
    """
    if not target or len(target) > MAX_NEXT_LENGTH or not target.isprintable() or " " in target:
        return None
    if _host_free_path(target) and _host_free_path(_normalised(target)):
        return target
    return None


def clean_rich(text: str | None) -> str:
    """Plain text becomes paragraphs; HTML keeps only the allow-list (nh3, not bleach)."""
    text = text or ""
    if not _HAS_TAG.search(text):
        from markupsafe import escape

        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(
            "<p>" + str(escape(p)).replace("\n", "<br>") + "</p>" for p in paragraphs
        )
    return nh3.clean(
        text,
        tags=RICH_TAGS,
        attributes=RICH_ATTRIBUTES,
        url_schemes=RICH_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def rich(text: str | None) -> Markup:
    """Jinja filter `rich`: output is safe because nh3 removed everything not allowed."""
    return Markup(clean_rich(text))  # nosec B704  output of nh3.clean with a small allow-list


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXY"])
        # Flask's documented way to wrap the WSGI app; its types declare a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if os.environ.get("SESSION_COOKIE_SECURE") is None and str(
        app.config.get("PUBLIC_BASE_URL", "")
    ).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.add_template_filter(rich, "rich")

    @app.before_request
    def _refuse_nul_bytes():
        """NUL bytes are never meaningful here and PostgreSQL refuses them in text: 4xx, not 500."""
        if "\x00" in request.path:
            abort(404)
        values = list(request.args.values())
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [v for _, v in request.form.items(multi=True)]
        if any("\x00" in v for v in values):
            abort(400)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
