"""The whole handoff round trip, with the console in a real Chromium (Playwright, Debian's chromium).

A citizen on the web widget and one on Telegram (a local fake of the Bot API records what the bot
sends) ask for a person → both conversations appear in the console's queue → an agent logs in, takes
each and replies → the reply reaches each citizen on their own channel → while the agent holds the
conversation the bot stays silent, but the citizen's turns are still stored → the agent closes it →
the bot says it is back and answers again. The console's screenshot goes to tests/artifacts/.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.api.app import create_app
from bot.privacy import mask_numbers
from bot.service import Service
from bot.settings import ChannelsSettings, Settings, TelegramSettings
from console.staff import Role, StaffStore
from tests.channels.fakes import FakeTelegram
from tests.console.conftest import PASSWORD, new_staff
from tests.servers import ServerThread, wait_for

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "7000000001:AAH-console-test-token-for-the-fake"
SECRET = "console-Header_Token-0123456789"
WIDGET = "#dvcbot-widget"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
)
if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium); .ci/run installs it", allow_module_level=True
    )

_update_ids = itertools.count(700_000_000)


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN)
    with ServerThread(fake.app) as server:
        fake.base_url = f"{server.url}/bot"  # type: ignore[attr-defined]
        yield fake


@pytest.fixture(scope="module")
def server(
    open_settings: Settings, open_service: Service, fake_telegram: FakeTelegram
) -> Iterator[ServerThread]:
    channels = ChannelsSettings(
        telegram=TelegramSettings(
            token=TOKEN,
            webhook_secret=SECRET,
            base_url=fake_telegram.base_url,  # type: ignore[attr-defined]
        )
    )
    with ServerThread(
        create_app(open_settings.model_copy(update={"channels": channels}), open_service)
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def telegram_says(server: ServerThread, chat_id: int, text: str) -> None:
    update = {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": 1763800000,
            "text": text,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Hùng", "language_code": "vi"},
            "chat": {"id": chat_id, "first_name": "Hùng", "type": "private"},
        },
    }
    response = httpx.post(
        f"{server.url}/webhooks/telegram/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def telegram_gets(fake: FakeTelegram, chat_id: int, count: int) -> list[str]:
    assert wait_for(lambda: len(fake.sent_texts(chat_id)) >= count, timeout=20), fake.sent_texts(chat_id)
    return fake.sent_texts(chat_id)


def guarded_page(browser: Any, server: ServerThread, outside: list[str], **options: Any) -> Any:
    context = browser.new_context(locale="vi-VN", **options)

    def guard(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context.new_page()


def user_turns(service: Service, sender: str) -> list[str]:
    return [
        str(e.get("text")) for e in service.agent.store.retrieve(sender).events if e.get("event") == "user"
    ]


def widget_bot_texts(page: Any) -> list[str]:
    texts: list[str] = page.locator(f"{WIDGET} .msg.bot .bubble").all_inner_texts()
    return texts


def test_handoff_round_trip_on_the_widget_and_telegram(
    browser: Any,
    server: ServerThread,
    open_service: Service,
    staff_store: StaffStore,
    fake_telegram: FakeTelegram,
) -> None:
    outside: list[str] = []
    agent_name = new_staff(staff_store, Role.AGENT)
    chat_id = random.randint(10**9, 2 * 10**9)
    telegram_sender = f"telegram:{chat_id}"

    # A citizen on the widget asks for a person.
    citizen = guarded_page(browser, server, outside, viewport={"width": 1000, "height": 800})
    citizen.goto(server.url + "/")
    citizen.get_by_role("button", name="Mở cửa sổ hỏi đáp với trợ lý ảo").click()
    citizen.locator(f"{WIDGET} .msg.bot").first.wait_for()
    box = citizen.locator(f"{WIDGET} #dvc-input")
    box.fill("cho tôi gặp tổng đài viên")
    box.press("Enter")
    citizen.locator(f"{WIDGET} .msg.bot", has_text="chuyển cuộc trò chuyện tới cán bộ").wait_for()
    widget_sender = citizen.evaluate(
        "() => JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('dvcbot:'))[1]).sender"
    )

    # A citizen on Telegram asks too.
    telegram_says(server, chat_id, "tôi muốn gặp cán bộ hỗ trợ")
    assert "chuyển cuộc trò chuyện tới cán bộ" in telegram_gets(fake_telegram, chat_id, 1)[-1]

    # The agent logs in; both are in the queue.
    console = guarded_page(browser, server, outside, viewport={"width": 1280, "height": 900})
    console.goto(server.url + "/console")
    assert console.url.endswith("/console/login")
    console.get_by_label("Tên đăng nhập").fill(agent_name)
    console.get_by_label("Mật khẩu").fill(PASSWORD)
    console.get_by_role("button", name="Đăng nhập").click()
    console.wait_for_url(server.url + "/console")
    console.get_by_role("tab", name="Hàng chờ").click()
    widget_item = console.locator("#queue button", has_text=f"widget · {mask_numbers(widget_sender)}")
    telegram_item = console.locator("#queue button", has_text=f"telegram · {mask_numbers(telegram_sender)}")
    widget_item.wait_for()
    telegram_item.wait_for()

    # Widget: take, see the transcript and the bot's suggestions, reply.
    widget_item.click()
    console.locator("#transcript li.citizen", has_text="cho tôi gặp tổng đài viên").wait_for()
    console.get_by_role("button", name="Nhận hỗ trợ").click()
    console.locator("#conversation-title", has_text="đang hỗ trợ").wait_for()
    console.get_by_label("Trả lời người dân").fill("Chào anh/chị, em là cán bộ tổng đài, em giúp gì được ạ?")
    console.get_by_role("button", name="Gửi").click()
    console.locator("#reply-status", has_text="Đã gửi").wait_for()
    citizen.locator(f"{WIDGET} .msg.bot", has_text=f"Cán bộ {agent_name}: Chào anh/chị").wait_for(
        timeout=15_000
    )
    assert any("đã tiếp nhận" in t for t in widget_bot_texts(citizen))

    # While the agent holds it the bot is silent, and the turn is still stored and shown to the agent.
    before = len(widget_bot_texts(citizen))
    box.fill("hồ sơ hưởng trợ cấp thất nghiệp gồm những gì")
    box.press("Enter")
    console.locator("#transcript li.citizen", has_text="hồ sơ hưởng trợ cấp thất nghiệp").wait_for(
        timeout=10_000
    )
    citizen.wait_for_timeout(500)
    assert len(widget_bot_texts(citizen)) == before
    assert "hồ sơ hưởng trợ cấp thất nghiệp gồm những gì" in user_turns(open_service, widget_sender)
    console.locator("#handoff-suggestions .suggestion").first.wait_for(timeout=10_000)
    ARTIFACTS.mkdir(exist_ok=True)
    console.screenshot(path=str(ARTIFACTS / "console-handoff.png"))

    # Telegram: take, reply; silent while held.
    telegram_item.click()
    console.locator("#conversation-title", has_text=mask_numbers(telegram_sender)).wait_for()
    console.get_by_role("button", name="Nhận hỗ trợ").click()
    console.locator("#conversation-title", has_text="đang hỗ trợ").wait_for()
    assert "đã tiếp nhận" in telegram_gets(fake_telegram, chat_id, 2)[-1]
    console.get_by_label("Trả lời người dân").fill("Dạ anh cần hỏi thủ tục nào ạ?")
    console.get_by_role("button", name="Gửi").click()
    assert (
        telegram_gets(fake_telegram, chat_id, 3)[-1] == f"Cán bộ {agent_name}: Dạ anh cần hỏi thủ tục nào ạ?"
    )
    telegram_says(server, chat_id, "lệ phí cấp giấy phép lao động bao nhiêu")
    console.locator("#transcript li.citizen", has_text="lệ phí cấp giấy phép lao động").wait_for(
        timeout=10_000
    )
    assert len(fake_telegram.sent_texts(chat_id)) == 3  # the bot said nothing
    assert "lệ phí cấp giấy phép lao động bao nhiêu" in user_turns(open_service, telegram_sender)

    # The agent closes Telegram's; the bot says it is back and answers again.
    console.get_by_role("button", name="Kết thúc, trả lại trợ lý ảo").click()
    assert "kết thúc hỗ trợ" in telegram_gets(fake_telegram, chat_id, 4)[-1]
    telegram_says(server, chat_id, "lệ phí cấp giấy phép lao động bao nhiêu")
    assert "Phí, lệ phí" in telegram_gets(fake_telegram, chat_id, 5)[-1]

    # And the widget's.
    widget_item.click()
    console.locator("#conversation-title", has_text=mask_numbers(widget_sender)).wait_for()
    console.get_by_role("button", name="Kết thúc, trả lại trợ lý ảo").click()
    citizen.locator(f"{WIDGET} .msg.bot", has_text="kết thúc hỗ trợ").wait_for(timeout=15_000)
    box.fill("hồ sơ hưởng trợ cấp thất nghiệp gồm những gì")
    box.press("Enter")
    citizen.locator(f"{WIDGET} .msg.bot", has_text="Hồ sơ gồm").wait_for(timeout=15_000)
    assert widget_item.count() == 0 or "đã kết thúc" in widget_item.inner_text()
    assert outside == []  # nothing fetched from anywhere but the service
