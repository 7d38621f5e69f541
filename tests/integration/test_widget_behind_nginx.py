"""The website widget on the bot's public origin, served through nginx.

The widget's endpoints answer 403 to a page whose origin is not the bot's own, and the bot
learns its own origin from the Host header. A proxy that replaced Host with its upstream's
name would break every visitor; here nginx (the configuration `scopebot cluster` renders)
stands in front of the running bot, and a real Chromium opens the demo page on a public,
non-localhost name that resolves to it.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from bot.runtime.balancer import BalancerSettings, Nginx
from tests.integration.nginx_front import need_nginx, wait_listening
from tests.integration.servers import free_port
from tests.integration.test_web_widget_browser import TIMEOUT, Visit, find_chromium

pytestmark = pytest.mark.slow

PUBLIC_NAME = "scopebot.example.test"  # not localhost: the bot's origin check really applies


@pytest.fixture(scope="module")
def front(shared_bot, tmp_path_factory):
    need_nginx()
    port = free_port()
    nginx = Nginx(tmp_path_factory.mktemp("nginx"), [f"127.0.0.1:{shared_bot.port}"],
                  BalancerSettings(listen=f"127.0.0.1:{port}"))
    nginx.start()
    wait_listening(port)
    yield port
    nginx.stop()


def _post(port: int, path: str, body: dict, origin: str) -> tuple[int, dict, dict]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Origin": origin,
                                          "Host": f"{PUBLIC_NAME}:{port}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), {}


def test_own_public_origin_is_allowed_and_a_foreign_one_is_not(front):
    own = f"http://{PUBLIC_NAME}:{front}"
    status, headers, body = _post(front, "/webhooks/web/conversations", {}, own)
    assert status == 201 and headers.get("Access-Control-Allow-Origin") == own
    assert body["conversation_id"]
    status, _, _ = _post(front, "/webhooks/web/conversations", {}, "http://elsewhere.example.test")
    assert status == 403


def test_widget_page_on_the_public_name_gets_an_assessment_through_nginx(front):
    path = find_chromium()
    if not path:
        reason = "no Chromium on this machine (make test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI=true: the browser tests must run)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=[
            "--no-sandbox", f"--host-resolver-rules=MAP {PUBLIC_NAME} 127.0.0.1"])
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT)
            visit = Visit(page, f"http://{PUBLIC_NAME}:{front}/webhooks/web/")
            visit.open()
            visit.send("We answer phone calls and emails for a bike shop")
            assert visit.last_card().get_attribute("data-model") in {"CALL_CENTER", "CONTACT_CENTER"}
            assert {"voice", "email"} <= set(visit.last_card().locator(".chip").evaluate_all(
                "els => els.map(e => e.dataset.value)"))
            assert visit.dialogs == []
        finally:
            browser.close()
