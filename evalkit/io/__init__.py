"""Data in, one way: files → (mapping) → read → parse → validate → :class:`Study`.

The modules follow the path a row takes:

=================  ====================================================================
``text``           bytes → records: encoding, separator, quoting, per-line decoding
``read``           a study folder or workbook → one :class:`~evalkit.io.read.RawTable`
                   per table (``find_sources``, ``read_source``), :class:`InputError`
``parse``          cell rules: numbers with decimal commas, dates, NIP, periods, codes
``validate``       one table: columns mapped, cells parsed, rows checked → kept rows and
                   quarantine records (``map_columns``, ``validate_table``)
``messages``       reason codes and their Indonesian/English wording (``labels/``)
``load``           the whole path for a folder: :func:`load_study`, :func:`select_period`,
                   the summary and ``evalkit validate``
=================  ====================================================================

The public names are re-exported here; ``from evalkit.io import load_study`` is the way
in. An agency export's header mapping (:mod:`evalkit.mapping`) is applied between read
and validate.
"""

from __future__ import annotations

from .load import (
    QUARANTINE_COLUMNS,
    SUMMARY_COLUMNS,
    InputError,
    Study,
    format_summary,
    load_study,
    quarantine_for_people,
    reason_kind,
    select_period,
    validate_command,
)

# the other names evalkit.io gave when it was one module stay importable from here
from .messages import reason_code as reason_code
from .messages import translate as translate
from .messages import translate_message as translate_message
from .messages import translate_notes as translate_notes
from .parse import period_quarters as period_quarters
from .read import find_sources as find_sources
from .read import read_source as read_source
from .validate import Checked as Checked
from .validate import empty_quarantine as empty_quarantine
from .validate import map_columns as map_columns
from .validate import validate_table as validate_table

__all__ = [
    "QUARANTINE_COLUMNS",
    "SUMMARY_COLUMNS",
    "InputError",
    "Study",
    "format_summary",
    "load_study",
    "quarantine_for_people",
    "reason_kind",
    "select_period",
    "validate_command",
]

InputError.__module__ = __name__
Study.__module__ = __name__
