"""The entailment model: does a cited unit say what a generated sentence says?

Inference in ``entailment.py`` (run like the reader); training pairs in
``data.py`` (NLI data and rewrites of SQuAD sentences); the fit and the card in
``training.py``; ``assistant train-entailment`` in ``command.py``. No weights ship
yet (``shipped/`` is where they would go). The check of generated sentences it
serves is measured with the whole assistant (``assistant verify-bench``,
:mod:`assistant.evaluation.verifier_bench`).
"""
