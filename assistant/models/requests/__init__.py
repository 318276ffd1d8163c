"""The request classifier: a question, a summary, an outline, the document list, or a move.

Inference in ``classifier.py``; its data, fit and measures in ``training.py``;
``assistant train-requests`` in ``command.py``; the parameters
(``requests.json``) and the card in ``shipped/``.
"""
