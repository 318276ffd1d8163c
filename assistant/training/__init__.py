"""What every trained model's training shares, beside the models' own folders.

``trainer.py`` fits a cross-encoder from the bundled MiniLM with
sentence-transformers' trainer (the reader and the entailment model);
``stages.py`` runs training in resumable, recorded stages; ``options.py`` holds
the training commands' common options; ``samples.py`` asks every question of the
bundled documents for real and keeps what the assistant saw (the scorer's data,
and the article's pairs for the reader); ``wordnet.py`` reads WordNet 3.0 for
training data. A model's own data, training and card live in its folder under
``assistant/models/``.
"""
