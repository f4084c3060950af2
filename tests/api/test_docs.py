"""``/api/v1/docs``: Swagger UI from the application's own files, under a strict CSP.

The page in a real browser (every operation listed, no request leaving the machine):
``tests/web/test_api_docs_browser.py``.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from fastapi.testclient import TestClient


class _Page(HTMLParser):
    """The addresses a page loads (``src``, ``href``) and the docs' ``data-config``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.config: dict[str, object] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [v for k, v in values.items() if k in {"src", "href"} and v is not None]
        if values.get("id") == "swagger-ui" and values.get("data-config"):
            self.config = json.loads(values["data-config"] or "")


def _docs(client: TestClient) -> _Page:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200, response.text  # public, as the OpenAPI document is
    page = _Page()
    page.feed(response.text)
    return page


def test_the_docs_load_only_the_applications_own_files(client: TestClient) -> None:
    page = _docs(client)
    assert len(page.urls) == 4  # icon, style sheet, Swagger UI, the script that starts it
    for url in page.urls:
        assert url.startswith("/api/v1/docs/"), url  # no CDN, no other host
        asset = client.get(url)
        assert asset.status_code == 200, url
    scripts = [url for url in page.urls if url.endswith(".js")]
    assert all(
        client.get(url).headers["content-type"].startswith("text/javascript") for url in scripts
    )
    assert "SwaggerUIBundle" in client.get("/api/v1/docs/assets/swagger-ui-bundle.js").text


def test_the_docs_run_under_a_policy_of_self_only(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script: start.js starts Swagger UI
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_docs_show_this_apis_document_and_no_online_validator(client: TestClient) -> None:
    config = _docs(client).config
    assert config["url"] == "/api/v1/openapi.json"
    assert config["dom_id"] == "#swagger-ui"
    # Swagger UI's default sends the document's address to validator.swagger.io.
    assert "validatorUrl" in config
    assert config["validatorUrl"] is None
