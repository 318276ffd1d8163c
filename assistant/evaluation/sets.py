"""The question sets ``assistant eval`` knows by name (light: the command line reads them)."""

from __future__ import annotations

SETS = (
    "article",
    "article-noisy",
    "article-unseen",
    "article-heldout",
    "article-fresh",
    "article-trust",
    "article-mixed",
    "article-distractors",
    "squad",
)
"""The question sets ``evaluate`` runs by default."""
LARGE_SETS = ("squad-v2-heldout", "policyqa")
"""Sets it knows by name but runs only when asked: thousands of questions each."""
