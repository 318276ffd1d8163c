"""Sure, unsure, not in the article: three answers that look like what they are, in Chromium.

The questions were written by a helper that never saw the models (article-trust); which
one lands where is the shipped scorer's doing, checked here as a user sees it.
"""

from __future__ import annotations

import pytest

from tests.system.browser.chat_page import BOT, ask

pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

pytestmark = [pytest.mark.server, pytest.mark.slow]

SURE = "What does an operations manager oversee?"
UNSURE = "Is the ops manager more hands-on with tactics than big-picture planning?"
NOT_IN_THE_ARTICLE = "How many hours a week does a COO usually work?"


def _three(page) -> list:
    ask(page, SURE, 1)
    ask(page, UNSURE, 2)
    ask(page, NOT_IN_THE_ARTICLE, 3)
    return [page.locator(BOT).nth(i) for i in range(3)]


def test_a_sure_an_unsure_and_a_refused_answer_each_look_like_what_they_are(page, shots):
    sure, unsure, refused = _three(page)
    assert sure.locator(".unsure").count() == 0
    assert "[1]" in sure.inner_text()
    assert unsure.locator(".unsure").count() == 1
    assert "Not sure" in unsure.locator(".unsure-note").inner_text()
    assert "may not answer this directly" in unsure.inner_text()
    assert "[1]" in unsure.inner_text()
    assert refused.locator(".unsure").count() == 0
    assert refused.inner_text().startswith("The article does not say")
    page.screenshot(path=str(shots / "outcomes.png"), full_page=True)


def test_the_unsure_answers_quotes_light_up_in_the_sources_panel(page):
    ask(page, UNSURE, 1)
    page.locator(BOT).nth(0).locator("a.cite-link").first.click()
    assert page.locator("#sources mark").count() >= 1


def test_the_three_outcomes_read_on_a_phone_width_window(page, shots):
    page.set_viewport_size({"width": 390, "height": 844})
    _three(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.screenshot(path=str(shots / "outcomes-phone.png"), full_page=True)
