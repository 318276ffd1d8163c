"""The answer scorer: which unit answers a question, and does the corpus answer it at all.

Inference in ``scorer.py`` (numpy only); its training data in ``data.py`` (every
question of the bundled documents, asked for real), its fit in ``training.py``,
the training report in ``report.py``, ``assistant train`` in ``command.py``;
the parameters (``scorer.json``, and ``scorer-reader.json`` fitted on the
reader's scores) and the card in ``shipped/``.
"""
