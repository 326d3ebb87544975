"""The web chat in a real browser (Debian chromium via playwright), against the real app and
the Bot API emulator (the clerk replies from Telegram).

A visitor asks in Chinese and gets the FAQ's answer; presses a suggestion; files a request with
a photo; the clerk's ``/reply`` appears live in the open page; a reload shows the whole
conversation; the English page works the same.

``WEBCHAT_SCREENSHOTS=DIR`` saves the page (zh and en, phone and desktop widths) in DIR (the
README's screenshots come from ``WEBCHAT_SCREENSHOTS=docs``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from locales import t
from tests.e2e.web.conftest import StartChat, add_clerk, start_chat, visitors  # noqa: F401 (fixtures)
from tests.e2e.web.test_chat import png
from tests.emulator import BotAPIEmulator
from tickets.models import Ticket

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("WEBCHAT_SCREENSHOTS")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


async def _shoot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
        for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
            await page.set_viewport_size(size)
            await page.screenshot(path=str(Path(SHOTS) / f"webchat-{name}-{width}.png"))
        await page.set_viewport_size(PHONE)


async def _ask(page: Any, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def _bot_says(page: Any, text: str, kind: str = "bot") -> Any:
    found = page.locator(f".msg.{kind}", has_text=text).last
    await found.wait_for(timeout=10_000)
    return found


async def test_a_visitor_talks_to_the_desk_in_the_browser(
    start_chat: StartChat,  # noqa: F811
    emu: BotAPIEmulator,
    session_factory: Any,
    browser: Any,
    tmp_path: Path,
) -> None:
    app = await start_chat(city_name="示例市", webchat_color="#a61b29")
    clerk, housing = await add_clerk(emu, session_factory)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    await page.goto(f"{app.url}/chat")
    assert await page.title() == t("zh", "web-title", city="示例市")
    assert await page.get_attribute("#log", "aria-live") == "polite"
    assert await page.locator("label[for=text]").count() == 1

    await _ask(page, "结婚登记需要什么材料？")
    answer = await _bot_says(page, "身份证和户口簿")
    assert await page.locator(".msg.you", has_text="结婚登记需要什么材料？").count() == 1
    await answer.get_by_role("button", name=t("zh", "btn-helpful_yes")).click()

    await _ask(page, "旧家具怎么处理")
    suggest = await _bot_says(page, "旧沙发怎么扔")
    await suggest.get_by_role("button", name="旧沙发怎么扔？").click()
    await _bot_says(page, "每周六上门收取")

    await _ask(page, "小区电梯坏了三天了，老人下不了楼")
    offer = await _bot_says(page, t("zh", "faq-none")[:8])
    await offer.get_by_role("button", name=t("zh", "btn-submit_question")).click()
    draft = await _bot_says(page, "📋")
    photo = tmp_path / "elevator.png"
    photo.write_bytes(png())
    await page.set_input_files("#photo", str(photo))
    await _bot_says(page, t("zh", "flow-added_photo", count=1)[:6])
    summary = page.locator(".msg.bot", has=page.get_by_role("button", name=t("zh", "btn-submit")))
    await summary.last.get_by_role("button", name=t("zh", "btn-submit")).click()
    await _bot_says(page, "您的诉求已登记")
    assert draft is not None
    async with session_factory() as session:
        ticket = (await session.exec(select(Ticket))).one()
    assert ticket.details["photos"][0].startswith("web:")
    await _shoot(page, "zh")

    await emu.next_message(housing)
    await (
        await emu.send_message(clerk, f"/reply {ticket.number} 已安排维修，明天修好", chat=housing)
    ).delivered()
    await _bot_says(page, "已安排维修", kind="staff")  # live, in the open page
    before = await page.locator(".msg").count()

    await page.reload()
    await _bot_says(page, "已安排维修", kind="staff")
    await page.wait_for_function(f"document.querySelectorAll('.msg').length >= {before}")
    assert await page.locator(".msg").count() == before
    assert await page.locator(".msg.you", has_text="结婚登记需要什么材料？").count() == 1
    await context.close()


async def test_the_english_page_works_the_same(
    start_chat: StartChat,  # noqa: F811
    browser: Any,
) -> None:
    app = await start_chat()
    context = await browser.new_context(viewport=PHONE, locale="en-US")
    page = await context.new_page()
    await page.goto(f"{app.url}/chat")
    await page.wait_for_selector("#log", state="attached")
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert await page.get_by_role("button", name=t("en", "web-send"), exact=True).count() == 1
    await _ask(page, "How do I register a marriage?")
    answer = await _bot_says(page, "Bring both ID cards")
    await answer.get_by_role("button", name=t("en", "btn-helpful_yes")).click()
    await page.get_by_role("button", name=t("en", "web-menu_mytickets")).click()
    await _bot_says(page, t("en", "my-empty")[:20])
    await _shoot(page, "en")
    # the switch: the same visitor, the page in Chinese
    await page.get_by_role("link", name=t("en", "web-lang_switch")).click()
    await page.wait_for_selector("html[lang=zh-CN]")
    await _bot_says(page, "Bring both ID cards")  # the conversation is still there
    await context.close()


async def test_the_widget_on_a_static_page_of_an_allowed_site(
    start_chat: StartChat,  # noqa: F811
    browser: Any,
    tmp_path: Path,
) -> None:
    from aiohttp import web

    page_html: list[str] = []
    static = web.Application()

    async def index(_request: web.Request) -> web.Response:
        return web.Response(text=page_html[0], content_type="text/html")

    static.router.add_get("/", index)
    runner = web.AppRunner(static, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)  # "the city's site", started first: its port
    await tcp.start()
    site = f"http://127.0.0.1:{tcp._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    app = await start_chat(webchat_origins=site)
    page_html.append(
        '<!doctype html><html lang="en"><body><h1>City of Example</h1>'
        f'<script src="{app.url}/chat/widget.js" defer></script></body></html>'
    )
    try:
        context = await browser.new_context(viewport=PHONE, locale="en-US")
        page = await context.new_page()
        await page.goto(site)
        opener = page.get_by_role("button", name=t("en", "web-widget_open"))
        await opener.click()
        frame = page.frame_locator("iframe")
        await frame.locator("#text").fill("How do I register a marriage?")
        await frame.locator("#text").press("Enter")
        await frame.locator(".msg.bot", has_text="Bring both ID cards").wait_for(timeout=10_000)
        toggle = page.locator("button[aria-controls=citizen-desk-panel]")
        assert await toggle.get_attribute("aria-expanded") == "true"
        assert await toggle.text_content() == t("en", "web-widget_close")
        await context.close()
    finally:
        await runner.cleanup()


TOPICS = """\
departments:
  - slug: traffic
    name: {zh: 交警支队, en: Traffic Police}
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: traffic
"""


async def test_a_posters_link_subscribes_after_one_tap_and_a_reload_does_not_ask_again(
    start_chat: StartChat,  # noqa: F811
    session_factory: Any,
    browser: Any,
    tmp_path: Path,
) -> None:
    from tickets.models import Subscription

    path = tmp_path / "topics.yaml"
    path.write_text(TOPICS, encoding="utf-8")
    app = await start_chat(departments_file=path)
    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{app.url}/chat?lang=en&start=sub-road-closures")
    confirm = await _bot_says(page, "Subscribe to “Road closures”?")
    assert "start=" not in page.url and "lang=en" in page.url  # dropped from the address
    await confirm.get_by_role("button", name=t("en", "sub-btn-yes")).click()
    await _bot_says(page, t("en", "sub-done", topic="Road closures"))
    async with session_factory() as session:
        (row,) = (await session.exec(select(Subscription))).all()
    assert row.topic == "road-closures" and row.active

    await page.reload()
    await _bot_says(page, t("en", "sub-done", topic="Road closures"))  # the conversation replays
    asked = page.locator(".msg.bot", has_text="Subscribe to “Road closures”?")
    assert await asked.count() == 1  # asked once, not again after the reload

    await page.get_by_role("button", name=t("en", "web-menu_subscribe")).click()
    listing = await _bot_says(page, "Announcements you can follow")
    await listing.get_by_role("button", name="✅ Road closures").click()
    await _bot_says(page, t("en", "sub-undone", topic="Road closures"))
    await context.close()
