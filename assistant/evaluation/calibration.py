"""The reliability diagram of the confidence the assistant tells: does "80% sure" come
true 80% of the time, on documents the scorer never saw?"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

BINS = 10


def reliability_bins(pairs: Sequence[tuple[float, float]]) -> list[tuple[int, float, float]]:
    """Per tenth of confidence: how many questions, their mean confidence, how often right."""
    confidence = np.array([c for c, _ in pairs])
    right = np.array([r for _, r in pairs])
    bins = np.minimum((confidence * BINS).astype(int), BINS - 1)
    return [
        (
            int((bins == b).sum()),
            float(confidence[bins == b].mean()),
            float(right[bins == b].mean()),
        )
        for b in range(BINS)
        if (bins == b).any()
    ]


def expected_calibration_error(pairs: Sequence[tuple[float, float]]) -> float:
    """The mean gap between confidence and accuracy, each bin weighed by its questions."""
    total = len(pairs)
    return sum(n / total * abs(c - r) for n, c, r in reliability_bins(pairs)) if total else 0.0


def write_calibration(
    folder: Path, pairs: Sequence[tuple[float, float]], *, reader: bool
) -> tuple[Path, ...]:
    """``calibration(-reader).md`` and its chart: the reliability of the validation folds."""
    if not pairs:
        return ()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stem = "calibration-reader" if reader else "calibration"
    bins = reliability_bins(pairs)
    figure, axes = plt.subplots(figsize=(4.5, 4.5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    axes.plot([c for _, c, _ in bins], [r for _, _, r in bins], marker="o", label="told vs right")
    axes.set_xlabel("confidence told (P(the answer is right))")
    axes.set_ylabel("share of answers that were right")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.legend(loc="upper left")
    figure.tight_layout()
    chart = folder / f"{stem}.png"
    figure.savefig(chart, dpi=110)
    plt.close(figure)
    rows = "\n".join(f"| {c:.2f} | {r:.2f} | {n} |" for n, c, r in bins)
    ece = expected_calibration_error(pairs)
    markdown = folder / f"{stem}.md"
    markdown.write_text(
        f"""# Calibration of the confidence told{" (with the reader)" if reader else ""}

Each question of each document, answered by the scorer fitted without that
document (leave one document out, as in `training{"-reader" if reader else ""}.md`): the
confidence the assistant tells (its calibrated probability that the answer is
right: the corpus answers, and the passage quoted first holds the answer)
against how often that came true. {len(pairs)} questions; expected calibration
error **{ece:.3f}**.

![reliability diagram]({chart.name})

| mean confidence told | share right | questions |
| --- | --- | --- |
{rows}
""",
        encoding="utf-8",
    )
    return markdown, chart
