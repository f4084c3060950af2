"""The API docs (Swagger UI at /api/v1/docs) in a real browser: Debian's Chromium, no CDN.

The page must work offline and send no visitor to a third party: every request it makes goes to
the server under test (127.0.0.1), and nothing is refused by its Content-Security-Policy (a
refusal is a console error). Uses the server and browser of ``test_browser``; skipped as that
module is, saying why. Screenshots go to /tmp/web-shots/.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.web import test_browser
from tests.web.conftest import WebWorld

pytestmark = test_browser.pytestmark
sync_api = test_browser.sync_api
server = test_browser.server
browser = test_browser.browser

_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _operations(page: sync_api.Page, base: str) -> set[tuple[str, str]]:
    """Every (METHOD, path) in the OpenAPI document the page shows."""
    spec = page.request.get(f"{base}/api/v1/openapi.json").json()
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in _METHODS
    }


def _open_docs(page: sync_api.Page, base: str) -> list[tuple[str, str]]:
    """Open the docs and wait for Swagger UI to list the operations; returns those shown."""
    response = page.goto(f"{base}/api/v1/docs")
    assert response is not None
    assert response.status == 200
    page.locator(".opblock").first.wait_for(timeout=20_000)
    shown: list[tuple[str, str]] = page.locator(".opblock").evaluate_all(
        """blocks => blocks.map(b => [
          b.querySelector('.opblock-summary-method').textContent,
          b.querySelector('.opblock-summary-path').dataset.path,
        ])"""
    )
    return [(method, path) for method, path in shown]


def _watch(page: sync_api.Page) -> tuple[list[str], list[str]]:
    """The URLs the page requests and the errors on its console (CSP refusals among them)."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return requests, errors


def test_the_api_docs_list_every_operation_with_no_request_leaving_the_machine(
    server: str, browser: sync_api.Browser
) -> None:
    """Public, as before: a visitor with no session sees the docs."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, errors = _watch(page)
    shown = _open_docs(page, server)
    assert sorted(shown) == sorted(_operations(page, server))
    assert ("POST", "/api/v1/auth/login") in shown
    test_browser._shot(page, "api-docs-en")
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in requests}
    assert hosts == {urlsplit(server).netloc}, requests
    assert f"{server}/api/v1/docs/assets/swagger-ui-bundle.js" in requests
    assert errors == []
    context.close()


def test_a_logged_in_agent_tries_an_operation_with_their_session(
    server: str, browser: sync_api.Browser, web_world: WebWorld
) -> None:
    """The page works beside the site's login, and "Try it out" runs as the visitor."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, errors = _watch(page)
    test_browser._log_in(page, server, web_world.base.emails["agent"])
    page.wait_for_url(f"{server}/my/schedule")
    _open_docs(page, server)
    operation = page.locator("#operations-me-availability_api_v1_me_availability_get")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=10_000)
    assert status.inner_text().strip() == "200"
    test_browser._shot(page, "api-docs-agent-try-it-out")
    assert {urlsplit(url).netloc for url in requests} == {urlsplit(server).netloc}, requests
    assert errors == []
    context.close()
