"""Too little data for an analysis: a small typed answer instead of an error.

A study folder that ``evalkit validate`` accepts can still be too thin for some
analyses (a pilot with a dozen employees, one unit, one quarter, no survey yet). Such an
analysis returns an :class:`Insufficient` that says what is missing: the study's section
renders it as a plain sentence in the report language (``insufficient.<analysis>.<reason>``
in ``labels/``) and results.json records it, and no number it cannot support is shown.

The checks themselves live with their analyses (:func:`evalkit.compare.comparison_sufficiency`,
:func:`evalkit.impact.training_sufficiency`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Insufficient"]


@dataclass(frozen=True)
class Insufficient:
    """What an analysis lacks, in counts.

    Attributes
    ----------
    analysis : str
        The analysis (a study section's key: ``comparison``, ``training``).
    reason : str
        A stable code of what is missing (e.g. ``no_surveys``, ``too_few_trained``).
    found : int
        How many of what is needed the data holds.
    needed : int
        How many the analysis needs.

    Examples
    --------
    >>> gap = Insufficient("training", "too_few_trained", found=2, needed=5)
    >>> gap.to_json()
    {'reason': 'too_few_trained', 'found': 2, 'needed': 5}
    """

    analysis: str
    reason: str
    found: int
    needed: int

    @property
    def label_key(self) -> str:
        """The catalogue key of its sentence: ``insufficient.<analysis>.<reason>``."""
        return f"insufficient.{self.analysis}.{self.reason}"

    def sentence(self, labels: Any) -> str:
        """The plain sentence, in the language of ``labels`` (:class:`evalkit.labels.Labels`)."""
        return labels(self.label_key, found=self.found, needed=self.needed)

    def to_json(self) -> dict[str, Any]:
        """``{"reason", "found", "needed"}``: the entry results.json records."""
        return {"reason": self.reason, "found": int(self.found), "needed": int(self.needed)}
