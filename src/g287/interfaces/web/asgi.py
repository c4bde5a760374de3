"""ASGI entry point for servers: ``uvicorn g287.interfaces.web.asgi:application``."""

import threading

from g287.interfaces.web import pages
from g287.interfaces.web.app import create_app

application = create_app(migrate=False)
# Build the map paths and lookup tables now rather than on the first visitor's request.
threading.Thread(target=pages.warm, name="g287-warm", daemon=True).start()
