"""The browser tracker: readable source (tracker.js), its minified build, and the ASGI handler."""

from umami_server.web.tracker.serve import TrackerScript

__all__ = ["TrackerScript"]
