"""Security headers (applied by the HTTP layer) and the admin token for writes."""

from __future__ import annotations

import hmac

from fastapi import Request

from g287.errors import Forbidden, Unauthorized

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The embeddable widgets (/embed/...) may be framed by any site: the same policy with
# frame-ancestors *, and no X-Frame-Options (the HTTP layer leaves it out when a
# response's own policy allows framing). Every other page keeps framing denied.
EMBED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


__all__ = ["CSP", "EMBED_CSP", "HEADERS", "Forbidden", "Unauthorized", "require_token"]


def require_token(request: Request) -> None:
    """A dependency for write endpoints: ``Authorization: Bearer <G287_ADMIN_TOKEN>``.

    No ``Authorization`` header (or another scheme) is 401 with ``WWW-Authenticate``;
    a bearer token that is not the admin token is 403. Tokens are compared as bytes, in
    constant time, so a non-ASCII header is a wrong token, never a crash."""
    expected = request.app.state.web.admin_token
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer ") or not given[7:].strip():
        raise Unauthorized("this action needs the admin token (Authorization: Bearer ...)")
    token = given[7:].strip().encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(token, expected.encode("utf-8", "surrogateescape")):
        raise Forbidden("the admin token given is not this server's")
