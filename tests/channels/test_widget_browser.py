"""The web widget in a real headless Chromium, driven by Playwright, against a real server.

What a visitor does: open the portal page, open the bubble with the keyboard, ask, see the typing
indicator and the answer with clickable links, click a quick reply, rate an answer, reload and find
the conversation again (from localStorage, and from the server when the local copy is gone).
Screenshots at 360 px and 1280 px wide go to tests/artifacts/ for a person to look at.

Skips, saying why, when Playwright or Debian's chromium is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.api.app import create_app
from bot.feedback_store import SqlFeedbackStore
from bot.service import Service, make_engine
from bot.settings import Settings
from tests.servers import ServerThread

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); .ci/run installs it", allow_module_level=True)

QUESTION = "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì"
WIDGET = "#dvcbot-widget"


def slowed(app: Any, seconds: float = 0.4) -> Any:
    """The app, answering widget messages a little late, so the typing indicator can be seen."""

    async def wrapper(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/widget/messages":
            await asyncio.sleep(seconds)
        await app(scope, receive, send)

    return wrapper


@pytest.fixture(scope="module")
def server(settings: Settings, service: Service) -> Iterator[ServerThread]:
    with ServerThread(slowed(create_app(settings, service))) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def new_page(browser: Any, server: ServerThread, width: int, height: int) -> tuple[Any, Any, list[str]]:
    """A page in a fresh profile; any request that leaves our server is blocked and recorded."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  is_mobile=width < 500, has_touch=width < 500)
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context, context.new_page(), outside


def shadow_focus(page: Any) -> str | None:
    value: str | None = page.evaluate(
        "() => { const a = document.querySelector('#dvcbot-widget').shadowRoot.activeElement;"
        " return a ? (a.id || a.className) : null; }"
    )
    return value


def bubbles(page: Any, kind: str) -> list[str]:
    texts: list[str] = page.locator(f"{WIDGET} .msg.{kind} .bubble").all_inner_texts()
    return [re.sub(r"^(Bạn|Trợ lý):\s*", "", t) for t in texts]


def test_a_visitor_uses_the_widget(
    browser: Any, server: ServerThread, settings: Settings, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, outside = new_page(browser, server, 1280, 800)
    page.goto(server.url + "/")
    launcher = page.get_by_role("button", name="Mở cửa sổ hỏi đáp với trợ lý ảo")
    assert launcher.is_visible()

    # Keyboard only: Tab through the portal page to the bubble, Enter opens it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if shadow_focus(page) == "launcher":
            break
    assert shadow_focus(page) == "launcher"
    page.keyboard.press("Enter")
    assert shadow_focus(page) == "dvc-input"  # focus moves to the question box
    page.locator(f"{WIDGET} .msg.bot").first.wait_for()
    assert bubbles(page, "bot")[0].startswith("Dạ, em chào")  # the core's greeting
    assert bubbles(page, "user") == []

    log = page.locator(f"{WIDGET} [role=log]")
    assert log.get_attribute("aria-live") == "polite"
    question_box = page.get_by_label("Nhập câu hỏi của anh/chị")
    assert question_box.is_visible()
    assert page.get_by_role("button", name="Gửi câu hỏi").is_visible()
    assert page.get_by_role("button", name="Đóng cửa sổ hỏi đáp").is_visible()

    # Ask: the typing indicator shows while the answer is on its way.
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    typing = page.locator(f"{WIDGET} .typing")
    typing.wait_for(state="visible")
    assert "đang soạn" in typing.inner_text()
    typing.wait_for(state="hidden")
    assert bubbles(page, "user") == [QUESTION]
    answer = bubbles(page, "bot")[1]
    assert answer.startswith('Dạ, về thủ tục "Cấp giấy phép lao động đối với người lao động nước ngoài')
    link = page.locator(f"{WIDGET} .msg.bot .bubble a").first
    assert link.get_attribute("href", timeout=2000).startswith("https://dichvucong.gov.vn/")
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"

    # A quick reply: the title is shown, the payload is sent.
    question_box.fill("lĩnh vực nào có thủ tục")
    question_box.press("Enter")
    merit = page.locator(f"{WIDGET} .quick button", has_text="Người có công")
    merit.wait_for()
    merit.click()
    page.locator(f"{WIDGET} .msg.bot", has_text="thủ tục").last.wait_for()
    typing.wait_for(state="hidden")
    assert bubbles(page, "user")[-1].startswith("Người có công (")
    assert "Người có công" in bubbles(page, "bot")[-1]
    assert page.locator(f"{WIDGET} .quick button:not([disabled])").count() == 0  # old choices are spent

    # 👍 on the last answer is stored on the server.
    feedback = page.locator(f"{WIDGET} .feedback").last
    feedback.get_by_role("button", name="Hữu ích", exact=True).click()
    feedback.get_by_text("Cảm ơn anh/chị đã góp ý!").wait_for()
    sender = page.evaluate("() => JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('dvcbot:'))[1]).sender")
    rows = SqlFeedbackStore(make_engine(settings.stores.tracker_url)).for_sender(sender)
    assert [(r.rating, r.channel) for r in rows] == [(1, "widget")]
    assert "Người có công" in rows[0].answer and rows[0].question and rows[0].question.startswith("Người có công")

    page.screenshot(path=str(ARTIFACTS / "widget-1280.png"))

    # Markup in a message stays text.
    question_box.fill('<img src=x onerror="window.__xss=1"><b>đậm</b>')
    question_box.press("Enter")
    typing.wait_for(state="hidden")
    assert bubbles(page, "user")[-1] == '<img src=x onerror="window.__xss=1"><b>đậm</b>'
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(f"{WIDGET} .bubble img, {WIDGET} .bubble b").count() == 0
    seen_users, seen_bots = bubbles(page, "user"), bubbles(page, "bot")

    # Reload: the conversation is still there, the panel still open.
    page.reload()
    page.locator(f"{WIDGET} .msg.user").first.wait_for()
    assert bubbles(page, "user") == seen_users and bubbles(page, "bot") == seen_bots
    assert page.locator(f"{WIDGET} .panel").is_visible()

    # Without the local copy (same sender id), the history comes back from the server's tracker.
    page.evaluate(
        "() => { const k = Object.keys(localStorage).find(k => k.startsWith('dvcbot:'));"
        " const s = JSON.parse(localStorage.getItem(k)); s.messages = []; localStorage.setItem(k, JSON.stringify(s)); }"
    )
    page.reload()
    page.locator(f"{WIDGET} .msg.user").first.wait_for()
    assert bubbles(page, "user") == seen_users
    assert [b[:60] for b in bubbles(page, "bot")] == [b[:60] for b in seen_bots]

    # Escape closes the panel and gives focus back to the bubble.
    question_box.focus()
    page.keyboard.press("Escape")
    assert not page.locator(f"{WIDGET} .panel").is_visible() and shadow_focus(page) == "launcher"
    assert outside == []
    context.close()


def test_the_widget_on_a_phone(browser: Any, server: ServerThread) -> None:
    context, page, outside = new_page(browser, server, 360, 740)
    page.goto(server.url + "/")
    page.get_by_role("button", name="Mở cửa sổ hỏi đáp với trợ lý ảo").click()
    page.locator(f"{WIDGET} .msg.bot").first.wait_for()
    box = page.get_by_label("Nhập câu hỏi của anh/chị")
    box.fill(QUESTION)
    box.press("Enter")
    page.locator(f"{WIDGET} .msg.bot").nth(1).wait_for()
    page.locator(f"{WIDGET} .typing").wait_for(state="hidden")

    panel = page.locator(f"{WIDGET} .panel").bounding_box()
    assert panel is not None and panel["x"] >= 0 and panel["width"] <= 360
    overflow = page.evaluate(
        "() => { const log = document.querySelector('#dvcbot-widget').shadowRoot.querySelector('.log');"
        " return log.scrollWidth - log.clientWidth; }"
    )
    assert overflow <= 0  # long answers wrap; nothing scrolls sideways
    font_size = page.evaluate(
        "() => getComputedStyle(document.querySelector('#dvcbot-widget').shadowRoot.querySelector('.bubble')).fontSize"
    )
    assert float(font_size.rstrip("px")) >= 15
    # A long answer is shown from its beginning: the procedure's name is on screen.
    header = page.locator(f"{WIDGET} header").bounding_box()
    start = page.locator(f"{WIDGET} .msg.bot").nth(1).bounding_box()
    assert header is not None and start is not None
    assert header["y"] + header["height"] <= start["y"] + 12 <= 740
    page.screenshot(path=str(ARTIFACTS / "widget-360.png"))
    assert outside == []
    context.close()
