"""Secrets never reach a message."""

from __future__ import annotations

from assistant.common.redact import MASK, redact


def test_a_configured_secret_is_masked_wherever_it_appears():
    text = redact("upstream said: bad credentials hunter2-xyz for hunter2-xyz", ["hunter2-xyz"])
    assert "hunter2" not in text
    assert text.count(MASK) == 2


def test_openai_style_keys_are_masked_without_being_configured():
    assert "sk-" not in redact("Incorrect API key provided: sk-proj-abcdEFGH12345678")


def test_bearer_tokens_are_masked():
    assert "abc.def" not in redact("Authorization: Bearer abc.def.ghi12345")


def test_a_named_credential_keeps_its_name_and_loses_its_value():
    assert redact('{"api_key": "zz9-plural-z-alpha"}') == '{"api_key": "' + MASK + '"}'


def test_a_password_in_a_url_is_masked():
    assert redact("cannot reach http://alice:s3cret@10.0.0.1:8000/v1") == (
        f"cannot reach http://{MASK}@10.0.0.1:8000/v1"
    )


def test_ordinary_text_is_left_alone():
    text = "The COO monitors key performance indicators (KPIs) at a strategic level."
    assert redact(text, [None, ""]) == text
