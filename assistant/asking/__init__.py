"""Asking: one question, from its text to the decision to answer or refuse.

Takes a question (and the conversation); gives a :class:`~assistant.asking.state.QuestionState`
with the standalone query, the retrieved passages and the verdict.

- ``state``: the question as it passes through the chain; ``rewrite``: follow-ups made standalone
- ``retrieval``: hybrid dense + BM25 search; ``candidates``: the citable units retrieved
- ``features``: what the learned scorer (:mod:`assistant.models.scorer`) reads
- ``decision``: the one place that decides to answer or refuse, and how sure that is
"""
