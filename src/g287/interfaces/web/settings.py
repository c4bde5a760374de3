"""Web settings, from the environment (``G287_*``), checked before the server starts."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from g287.errors import ConfigError

DEFAULT_TOKEN = "change-me"


@dataclass(frozen=True)
class WebSettings:
    mode: str = "development"  # development | production
    admin_token: str = DEFAULT_TOKEN  # needed for every write (update, corrections)
    site_url: str = ""  # public base URL, for feeds and canonical links
    cors_origins: tuple[str, ...] = ("*",)  # read-only API: any origin may GET

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WebSettings:
        env = dict(os.environ if env is None else env)
        origins = tuple(
            o.strip() for o in env.get("G287_CORS_ORIGINS", "*").split(",") if o.strip()
        )
        settings = cls(
            mode=env.get("G287_MODE", "development"),
            admin_token=env.get("G287_ADMIN_TOKEN", DEFAULT_TOKEN),
            site_url=env.get("G287_SITE_URL", "").rstrip("/"),
            cors_origins=origins or ("*",),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse unsafe production settings (a default or short admin token)."""
        if self.mode not in ("development", "production"):
            raise ConfigError(f"G287_MODE must be development or production, not {self.mode!r}")
        if self.mode == "production" and (
            self.admin_token == DEFAULT_TOKEN or len(self.admin_token) < 16
        ):
            raise ConfigError(
                "refusing to start in production with the default or a short G287_ADMIN_TOKEN "
                "(set one of at least 16 characters)"
            )

    def check_host(self, host: str) -> None:
        """Refuse to serve the admin endpoints beyond this machine with the default token
        (in any mode: production refuses the default token anywhere)."""
        if self.admin_token == DEFAULT_TOKEN and not is_loopback(host):
            raise ConfigError(
                f"refusing to serve on {host} with the default G287_ADMIN_TOKEN: set "
                "G287_ADMIN_TOKEN (at least 16 characters) or serve on 127.0.0.1"
            )


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name (or 0.0.0.0's kin): assume it reaches the network
