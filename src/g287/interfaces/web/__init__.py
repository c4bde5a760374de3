"""The web face of g287: a JSON API and server-rendered pages, one FastAPI app."""

from g287.interfaces.web.app import create_app

__all__ = ["create_app"]
