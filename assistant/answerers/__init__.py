"""Answering: a verdict's ranked units turned into a cited answer, streamed.

Takes a :class:`~assistant.asking.state.QuestionState`; gives
:class:`~assistant.response.Answer` snapshots.

- ``base``: citations, refusals; ``extractive``: verbatim quotes (the default);
  ``subjects``: naming whose item or "they" a quote is about
- ``generative``: a chat model (``chat_models``, ``backends``) writes, ``verify``
  checks every sentence against the passages (``reading``, ``claims``, ``facts``),
  ``injection`` spots text addressed to the model
- ``registry``: which answerer writes each backend's answers
"""
