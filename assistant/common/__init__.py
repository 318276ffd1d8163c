"""Shared basics every stage may use: words, timings, progress, escaping, redaction.

Nothing here knows about documents, indexes or answers. With ``errors``,
``settings`` and ``response`` at the top of the package, these are the only
modules any stage may import besides the stages before it.
"""
