"""Worker processes: the pipes they speak over, and the local model's worker.

Takes requests as JSON lines, gives results the same way, so a child that
misbehaves (a crashing model, a hostile file) can send nothing but data. The
parse worker runs the document parsers, so it lives with them:
:mod:`assistant.documents.parse_worker`.
"""
