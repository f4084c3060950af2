"""The interactive API docs (Swagger UI), served by the application itself.

FastAPI's own docs page loads Swagger UI from a CDN (blank offline, and every visitor's address
goes to a third party) and starts it with an inline script (which a strict Content-Security-
Policy refuses). This page loads the Swagger UI files that the ``fastapi-offline`` package ships
(kept in step with Swagger UI's releases) from the application's own ``{docs}/assets/``, and
starts Swagger UI from a script of its own at ``{docs}/start.js``, so it runs under
:data:`DOCS_HEADERS`: scripts, styles and requests from ``'self'`` only.

The page and the OpenAPI document are public, as FastAPI's are: they show the shape of the API,
no data. "Try it out" runs with the visitor's own credentials, if any (the session cookie).
"""

from __future__ import annotations

import json
from html import escape
from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import swagger_ui_default_parameters
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

__all__ = ["DOCS_HEADERS", "install_docs"]

DOCS_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
"""Sent with the docs page: the site's policy, so nothing but the application's own files run."""

_ASSETS_PACKAGE: Final = ("fastapi_offline", "static")
"""Where ``fastapi-offline`` keeps Swagger UI (``swagger-ui-bundle.js``, ``swagger-ui.css``,
``favicon.png``). Its layout, not its documented API (``FastAPIOffline()`` renders FastAPI's
inline-script page): a release that moves the folder stops ``create_app`` (StaticFiles checks
it), and one that renames a file fails ``tests/api/test_docs.py``."""

# Deferred after the bundle (so the page is parsed and SwaggerUIBundle defined); reads its
# settings from the page's data-config, so the script itself never changes.
_START_JS: Final = """\
"use strict";
const config = JSON.parse(document.getElementById("swagger-ui").dataset.config);
config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
window.ui = SwaggerUIBundle(config);
"""

_PAGE: Final = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<script src="{assets}/swagger-ui-bundle.js" defer></script>
<script src="{start}" defer></script>
</head>
<body>
<div id="swagger-ui" data-config="{config}"></div>
</body>
</html>
"""


def install_docs(app: FastAPI, *, docs_url: str, openapi_url: str) -> None:
    """Serve Swagger UI for ``openapi_url`` at ``docs_url``, with no request to a third party.

    Create the app with ``docs_url=None`` (FastAPI's CDN page) and call this instead.

    Args:
        app: the application; gets the page, its start script and its assets.
        docs_url: where the page is, e.g. ``/api/v1/docs``.
        openapi_url: the OpenAPI document the page shows.
    """
    assets_url = f"{docs_url}/assets"
    start_url = f"{docs_url}/start.js"
    app.mount(assets_url, StaticFiles(packages=[_ASSETS_PACKAGE]), name="docs-assets")

    @app.get(docs_url, include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        config = {
            **swagger_ui_default_parameters,
            "url": root + openapi_url,
            # Swagger UI would otherwise send the document's address to validator.swagger.io.
            "validatorUrl": None,
        }
        page = _PAGE.format(
            title=escape(f"{app.title} - Swagger UI"),
            assets=root + assets_url,
            start=root + start_url,
            config=escape(json.dumps(config)),
        )
        return HTMLResponse(page, headers=DOCS_HEADERS)

    @app.get(start_url, include_in_schema=False)
    def docs_start() -> Response:
        return Response(_START_JS, media_type="text/javascript", headers=DOCS_HEADERS)
