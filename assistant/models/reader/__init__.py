"""The reader: a cross-encoder that reads a question beside each candidate unit.

Inference in ``reader.py`` (ONNX Runtime), what it reads in ``text.py``, its weights
and their export in ``weights.py``; SQuAD pairs in ``data.py``, the article's own
in ``data_article.py``; the staged, cross-fitted training in ``training.py`` and
``training_folds.py``; its measures on data it never saw in ``evaluation.py``;
``assistant train-reader`` and ``eval-reader`` in ``command.py``; the weights
(only what differs from the bundled MiniLM) and the card in ``shipped/``.
"""
