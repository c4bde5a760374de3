"""Security headers (applied by the HTTP layer) and the admin token for writes."""

from __future__ import annotations

import hmac

from fastapi import Request

from g287.errors import G287Error

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Forbidden(G287Error):
    exit_code = 1
    slug = "forbidden"


def require_token(request: Request) -> None:
    """A dependency for write endpoints: ``Authorization: Bearer <G287_ADMIN_TOKEN>``."""
    expected = request.app.state.web.admin_token
    given = request.headers.get("authorization", "")
    token = given[7:] if given.lower().startswith("bearer ") else ""
    if not token or not hmac.compare_digest(token, expected):
        raise Forbidden("this action needs the admin token (Authorization: Bearer ...)")
