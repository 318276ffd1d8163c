"""Documents in: a corpus folder's files, read safely, structured and chunked.

Takes a folder (or uploaded files); gives :class:`~assistant.documents.chunking.Chunk`
objects made of citable units (sentences, list lead-ins, list items) with exact
character offsets into each document's text.

- ``corpus``: which files there are, fingerprinted; ``uploads``: checking and storing users' files
- ``formats``: the parsers (Markdown, text, HTML, PDF); ``parse_worker``: the risky
  ones run in a process bounded in time and memory
- ``blocks``: headings, paragraphs, list items, sentences; ``chunking``: chunks and units
"""
