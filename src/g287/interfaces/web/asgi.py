"""ASGI entry point for servers: ``uvicorn g287.interfaces.web.asgi:application``."""

from g287.interfaces.web.app import create_app

application = create_app(migrate=False)
