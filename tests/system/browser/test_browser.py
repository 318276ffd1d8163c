"""The chat as a person uses it: headless Chromium driving the real app."""

from __future__ import annotations

import pytest

from tests.support import article_app
from tests.system.browser.chat_page import BOT, ask

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

pytestmark = [pytest.mark.server, pytest.mark.slow]

HOSTILE_MARKUP = (
    "# Quimby payroll portal\n\n"
    'To sign in to the Quimby payroll portal, use <form action="http://127.0.0.1:9/steal">'
    '<input type="password" name="pw"><button>Sign in</button></form> with your password.\n\n'
    'The Quimby payroll portal shows <img src="http://127.0.0.1:9/pixel.png"> as its logo and '
    "![tracker](http://127.0.0.1:9/track.png) on every page.\n\n"
    "The Quimby payroll portal runs <script>document.title='owned'</script> every night.\n"
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """An app of its own: these tests upload documents."""
    with article_app(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.goto(app_url)
    tab.wait_for_selector("#question textarea", timeout=60_000)
    yield tab
    context.close()


def test_a_question_gets_a_cited_answer_and_its_source_highlighted(page, shots):
    answer = ask(page, "What are the key responsibilities of a COO?", 1)
    assert "Developing and implementing business strategies" in answer
    assert "[1]" in answer
    page.wait_for_selector("#sources mark")
    assert "Key responsibilities of a COO include:" in page.inner_text("#sources mark")
    page.screenshot(path=str(shots / "answer.png"), full_page=True)


def test_a_marker_links_to_its_highlighted_passage(page):
    ask(page, "Which role has more decision-making authority?", 1)
    page.click("#chat a.cite-link")
    assert page.evaluate("location.hash") == "#cite-0-1"
    assert page.locator("#cite-0-1").is_visible()


def test_a_follow_up_uses_the_conversation(page):
    ask(page, "What are the key responsibilities of an operations manager?", 1)
    answer = ask(page, "And what about the COO?", 2)
    assert "Developing and implementing business strategies" in answer


def test_an_uploaded_document_can_be_asked_about(page, shots, tmp_path):
    document = tmp_path / "happiness team.md"
    document.write_text(
        "# The Happiness Team\n\nZorblax Quimby leads the happiness team and plans the "
        "quarterly offsite in Lisbon.\n"
    )
    page.click("#documents-tab-button")
    page.set_input_files("#upload input[type=file]", str(document))
    page.click("#add")
    page.wait_for_selector("#upload-status :text('Index updated')", timeout=120_000)
    assert "happiness-team-" in page.inner_text("#documents")
    page.screenshot(path=str(shots / "upload.png"), full_page=True)
    answer = ask(page, "Who leads the happiness team?", 1)
    assert "Zorblax Quimby" in answer


def test_markup_in_a_document_is_shown_as_text_never_as_a_form_image_or_script(page, tmp_path):
    document = tmp_path / "portal.md"
    document.write_text(HOSTILE_MARKUP)
    page.click("#documents-tab-button")
    page.set_input_files("#upload input[type=file]", str(document))
    page.click("#add")
    page.wait_for_selector("#upload-status :text('Index updated')", timeout=120_000)
    answer = ask(page, "How do I sign in to the Quimby payroll portal?", 1)
    # Whichever of its sentences is quoted, its markup reads as text.
    assert '<form action="http://127.0.0.1:9/steal">' in answer or "<script>" in answer
    for area in ("#chat", "#sources"):
        assert page.locator(f"{area} form, {area} input[type=password]").count() == 0
        assert page.locator(f"{area} img[src*='127.0.0.1:9'], {area} script").count() == 0
    assert "127.0.0.1:9" in page.inner_text("#sources")


def test_a_bad_upload_is_refused_with_a_message_and_the_index_is_unchanged(page, tmp_path):
    page.click("#documents-tab-button")
    before = page.inner_text("#documents")
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"\xff\xfe\x00\x01 binary \x00 junk")
    page.set_input_files("#upload input[type=file]", str(bad))
    page.click("#add")
    page.wait_for_selector("#upload-status :text('Not added')", timeout=60_000)
    assert "notes.txt" in page.inner_text("#upload-status")
    assert page.inner_text("#documents") == before


def test_an_empty_question_gets_a_friendly_message_not_an_answer(page):
    page.click("#ask")
    page.wait_for_selector("text=Please type a question", timeout=30_000)
    assert page.locator(BOT).count() == 0


def test_scores_can_be_shown_in_the_sources(page):
    ask(page, "What does a COO do?", 1)
    assert "score" not in page.inner_text("#sources")
    page.click("#settings-tab-button")
    page.click("#show-scores input")
    page.click("#sources-tab-button")
    page.wait_for_selector("#sources :text('score')")


def test_the_conversation_exports_as_markdown(page, tmp_path):
    ask(page, "What does a COO do?", 1)
    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "conversation.md"
    download.value.save_as(saved)
    text = saved.read_text()
    assert text.startswith("# Conversation with the article assistant")
    assert "## What does a COO do?" in text
    assert "**Sources**" in text


def test_clear_empties_the_conversation_and_the_sources(page):
    ask(page, "What does a COO do?", 1)
    page.click("#clear")
    page.wait_for_function(f'document.querySelectorAll("{BOT}").length === 0')
    assert "appear here" in page.inner_text("#sources")


def test_the_answer_streams_from_the_local_model(page):
    pytest.importorskip("llama_cpp", reason="the local backend is the [local] extra")
    page.click("#settings-tab-button")
    page.click("#backend input")
    page.click("ul[role=listbox] li:has-text('local')")
    page.wait_for_selector("#status :text('local')", timeout=30_000)
    # A question the article answers surely: the model writes only sure answers.
    page.fill("#question textarea", "What does an operations manager oversee?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chat .pending", timeout=120_000)  # tokens shown before checking
    page.wait_for_function("!document.querySelector('#chat .pending')", timeout=120_000)
    assert "[1]" in page.inner_text("#chat")


def _toolbar_clears_the_messages(page) -> None:
    # The toolbar has a row of its own, so messages scroll beneath it and never pass
    # under it (floating, it covered the first message once the chat auto-scrolled).
    # The boxes of the two do not move with scrolling, so this does not race it.
    toolbar = page.locator("#chat .top-panel").bounding_box()
    messages = page.locator("#chat .bubble-wrap").bounding_box()
    assert messages["y"] >= toolbar["y"] + toolbar["height"] - 0.5, "the toolbar covers messages"


def test_the_page_reads_on_a_phone_width_window(page, shots):
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, "What does a COO do?", 1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "no horizontal scrolling on a phone"
    _toolbar_clears_the_messages(page)
    page.screenshot(path=str(shots / "phone.png"), full_page=True)


def test_at_desktop_width_the_chat_toolbar_covers_no_message(page):
    ask(page, "What does a COO do?", 1)
    _toolbar_clears_the_messages(page)


def test_the_chats_own_clear_icon_clears_the_sources_and_the_export_too(page):
    ask(page, "What does a COO do?", 1)
    page.wait_for_selector("#sources mark")
    page.click("#chat button[aria-label='Clear']")
    page.wait_for_function(f'document.querySelectorAll("{BOT}").length === 0')
    page.wait_for_function("!document.querySelector('#sources mark')")
    assert "appear here" in page.inner_text("#sources")
    playwright.expect(page.locator("#export")).to_be_disabled()  # retries until it is
    answer = ask(page, "And what about the operations manager?", 1)
    assert "Managing day-to-day activities" in answer  # no follow-up of the cleared turn


def test_a_warning_leaves_the_status_line_in_view(page):
    page.click("#ask")
    toast = page.wait_for_selector("text=Please type a question", timeout=30_000).bounding_box()
    status = page.locator("#status").bounding_box()
    apart = (
        toast["y"] >= status["y"] + status["height"] or toast["y"] + toast["height"] <= status["y"]
    )
    assert apart, "the toast covers the status line"


def test_there_is_one_settings(page):
    # The app's tab; Gradio's footer link is turned off. (Gradio keeps a one-pixel
    # copy of each tab for measuring, inside .visually-hidden, and shows the real
    # tab buttons only once it has measured them: wait for that, then count.)
    visible = """() => Array.from(document.querySelectorAll('button, a')).filter(e =>
        e.textContent.trim() === 'Settings' && !e.closest('.visually-hidden')
        && e.getBoundingClientRect().height > 0).length"""
    page.wait_for_function(f"({visible})() > 0", timeout=30_000)
    page.wait_for_selector("footer", timeout=30_000)
    assert page.evaluate(visible) == 1


def test_an_example_asks_its_question_and_the_answer_streams_in(page):
    page.locator("button", has_text="Which role has more decision-making authority?").click()
    page.wait_for_function(f'document.querySelectorAll("{BOT}").length >= 1', timeout=60_000)
    page.wait_for_function(
        "!document.querySelector('#chat .pending') && "
        f'document.querySelector("{BOT}").innerText.includes("[1]")',
        timeout=60_000,
    )
    assert "Which role has more decision-making authority?" in page.inner_text("#chat")
    page.wait_for_selector("#sources mark")


def test_the_summarize_example_quotes_sentences_from_several_sections(page):
    page.locator("button", has_text="Summarize the article").click()
    page.wait_for_function(f'document.querySelectorAll("{BOT}").length >= 1', timeout=60_000)
    page.wait_for_function("!document.querySelector('#chat .pending')", timeout=60_000)
    answer = page.locator(BOT).first.inner_text()
    if "Which document do you mean?" in answer:
        # Other tests of this module uploaded documents: name the article, as a person would.
        assert "operations-manager-vs-coo.md" in answer
        answer = ask(page, "Summarize Operations Manager vs COO", 2)
    assert "An operations manager plays a vital role" in answer
    assert "[3]" in answer and "stay tuned" not in answer
    page.wait_for_selector("#sources mark")
    assert page.locator("#sources mark").count() >= 3


def test_the_visitors_own_markup_is_shown_as_typed_never_rendered(page):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    typed = "What does a <b>COO</b> do? <img src=http://example.invalid/p.png>"
    answer = ask(page, typed, 1)
    user = page.locator("#chat [data-testid='user']").first
    assert typed in user.inner_text()
    assert user.locator("b, strong, img").count() == 0
    assert not [url for url in fetched if "example.invalid" in url]
    assert "[1]" in answer  # read without its tags: a question about the COO
    assert "“img”" not in answer and "“src”" not in answer


def test_an_apostrophe_an_ampersand_a_less_than_and_a_star_show_as_typed_everywhere(
    page, tmp_path, app_url
):
    from gradio_client import Client

    from tests.support import shown_text

    typed = "The Quimby R&D team's budget is < 5% of *all* spending in the C-suite (COO)."
    document = tmp_path / "budget.md"
    document.write_text(f"# Budget\n\n{typed}\n")
    page.click("#documents-tab-button")
    page.set_input_files("#upload input[type=file]", str(document))
    page.click("#add")
    page.wait_for_selector("#upload-status :text('Index updated')", timeout=120_000)
    question = "How big is the Quimby R&D team's budget?"
    assert typed in ask(page, question, 1)
    page.click("#sources-tab-button")
    assert typed in page.inner_text("#sources")
    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "conversation.md"
    download.value.save_as(saved)
    exported = saved.read_text()
    assert "The Quimby R&D team's budget is < 5% of \\*all\\* spending in the C-suite (COO)." in (
        exported
    )
    assert typed in shown_text(exported)
    reply = Client(app_url, verbose=False).predict(question, api_name="/chat")
    assert typed in shown_text(reply["markdown"])
    assert typed in reply["text"]


def test_a_file_uploaded_twice_is_stored_once_and_can_be_removed(page, tmp_path):
    document = tmp_path / "offsite.md"
    document.write_text("# Offsite\n\nWilhelmina Pottage books the xylophone for the offsite.\n")
    page.click("#documents-tab-button")
    for expected in ("Index updated", "Already in the corpus"):
        page.set_input_files("#upload input[type=file]", str(document))
        page.click("#add")
        page.wait_for_selector(f"#upload-status :text('{expected}')", timeout=120_000)
    assert page.inner_text("#documents").count("offsite-") == 1
    page.click("#removable input")
    page.click("ul[role=listbox] li:has-text('offsite-')")
    page.click("#remove")
    page.wait_for_selector("#confirm-text :text('Remove')")
    assert "offsite-" in page.inner_text("#confirm-text")
    page.click("#confirm")
    page.wait_for_selector("#upload-status :text('Removed')", timeout=120_000)
    assert "offsite-" not in page.inner_text("#documents")
    answer = ask(page, "Who books the xylophone for the offsite?", 1)
    assert "Wilhelmina" not in answer


def test_an_unfolded_sources_section_is_not_cut_off_at_phone_width(page):
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, "What does a COO do?", 1)
    page.locator(f"{BOT} details summary").first.click()
    details = page.locator(f"{BOT} details").first.bounding_box()
    chat = page.locator("#chat").bounding_box()
    assert details["y"] + details["height"] <= chat["y"] + chat["height"] + 0.5
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
