"""Server-rendered pages for every role (Jinja2 + HTMX, Dutch and English), see docs/web.md.

``create_site(settings)`` builds one ASGI app: the JSON API under ``/api/v1`` and the pages.
"""

from __future__ import annotations

from bezetting.web.site import create_site

__all__ = ["create_site"]
