"""The answer scorer: which unit answers a question, and does the corpus answer it at all.

Inference in ``scorer.py`` (numpy only); its training data is every question of the
bundled documents asked for real (``assistant/training/samples.py``, which the
reader's cross-fitting reads too); its fit and its two operating points in
``training.py``, the training report in ``report.py``, ``assistant train`` in
``command.py``;
the parameters (``scorer.json``, and ``scorer-reader.json`` fitted on the
reader's scores) and the card in ``shipped/``.
"""
