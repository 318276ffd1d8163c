"""The running app takes any question: an answer or a friendly error, and it stays up."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    question=st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        st.just("x" * 2500),
        st.just("   "),
    )
)
def test_any_question_gets_an_answer_or_a_friendly_error(client, question):
    from gradio_client.exceptions import AppError

    try:
        reply = client.predict(question, api_name="/chat")
    except AppError as error:
        message = str(error)
        assert "Traceback" not in message
        assert "question" in message.lower()
        return
    assert isinstance(reply["text"], str) and reply["text"].strip()


def test_the_app_still_answers_after_the_fuzzing(client):
    assert "[1]" in client.predict("What does a COO do?", api_name="/chat")["text"]
