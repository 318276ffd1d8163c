"""The index: chunks embedded and stored in Chroma, and what it knows of the corpus's words.

Takes chunks; gives a searchable store (dense vectors per unit, exact search
when small) and corpus statistics (BM25, idf, vocabulary, spelling, topics).

- ``embeddings``, ``onnx_encoder``: all-MiniLM-L6-v2, in torch or ONNX Runtime
- ``store``: Chroma (embedded or server), ``vector_search``: exact dense search
- ``sync``: bringing the index in step with the corpus; ``builds``: atomic rebuilds;
  ``revisions``: noticing another process's writes
- ``statistics``: BM25 and corpus statistics; ``spelling``: a question read in the corpus's
  words; ``topics``: the subjects the corpus keeps naming
"""
