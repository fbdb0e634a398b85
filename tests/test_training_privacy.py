"""Per-event-time training effects and the small-cell rule: a differencing attack.

The event study shows the training effect θ(e) per event time e, each resting on the
trained employees observed e periods after (or before) their training. Beside it the
study shows pooled figures: the ``dynamic`` average (the plain mean of θ(e), e ≥ 0)
and the ``simple`` ATT (θ(e) weighted by the trained employees behind each). If an
event time with fewer than ``min_cell`` employees were merely blanked, either pooled
figure would give it back exactly:

    θ(h) = K · dynamic − Σ_{e ≠ h} θ(e)
    θ(h) = (simple · Σ_e W_e − Σ_{e ≠ h} W_e θ(e)) / W_h

:func:`evalkit.impact.training_impact` with ``min_cell`` hides such an event time and
leaves it out of every aggregate; these tests run both attacks, first on the unhidden
figures (where they must succeed, so the test can fail) and then on the hidden ones.
"""

from __future__ import annotations

import numpy as np
import pytest

from evalkit.impact import training_impact

PERIOD = "2025Q4"


@pytest.fixture(scope="module")
def study():
    import evalkit as ek

    return ek.simulate(seed=11, employees=200, periods="2025Q1:2025Q4")


def _post(result):
    es = result.event_study
    es = es[(es["method"] == "callaway_santanna") & ~es["reference"]]
    return es[es["rel_time"] >= 0].set_index("rel_time")


def _attacks(result, target: int) -> tuple[float, float]:
    """θ(target) worked back out of the pooled figures and the other event times."""
    post = _post(result)
    att = result.att.set_index("aggregation")["estimate"]
    shown = post.drop(index=target)
    assert shown["estimate"].notna().all()
    from_dynamic = len(post) * att["dynamic"] - shown["estimate"].sum()
    w = post["n_treated"].astype(float)
    from_simple = (att["simple"] * w.sum() - (w.drop(index=target) * shown["estimate"]).sum()) / w[
        target
    ]
    return float(from_dynamic), float(from_simple)


def test_a_hidden_event_time_cannot_be_worked_back_out(study):
    full = training_impact(study, PERIOD, n_boot=99)
    post = _post(full)
    target = int(post["n_treated"].idxmin())
    min_cell = int(post.loc[target, "n_treated"]) + 1
    assert (post.drop(index=target)["n_treated"] >= min_cell).all()  # only it is hidden
    truth = float(post.loc[target, "estimate"])
    # unhidden, both attacks give the value back exactly: the attack is real
    assert np.allclose(_attacks(full, target), truth, atol=1e-9)

    hidden = training_impact(study, PERIOD, n_boot=99, min_cell=min_cell)
    row = _post(hidden).loc[target]
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert row["suppressed"] == "small_cell"
    assert "event_times_hidden" in hidden.notes
    for recovered in _attacks(hidden, target):
        assert not np.isclose(recovered, truth, atol=1e-6), recovered
    # the event times shown are unchanged, and the pooled figures rest on them alone
    shown = _post(hidden).drop(index=target)
    assert np.allclose(shown["estimate"], post.drop(index=target)["estimate"], atol=1e-12)
    att = hidden.att.set_index("aggregation")["estimate"]
    assert att["dynamic"] == pytest.approx(shown["estimate"].mean(), abs=1e-12)
    w = shown["n_treated"].astype(float)
    assert att["simple"] == pytest.approx((w * shown["estimate"]).sum() / w.sum(), abs=1e-12)
    # results.json: no number for the hidden event time, the reason instead
    js = {e["rel_time"]: e for e in hidden.to_json()["event_study"]}
    assert js[target]["estimate"] is None and js[target]["ci_low"] is None
    assert js[target]["suppressed"] == "small_cell"
    assert all(js[e]["suppressed"] is None for e in shown.index)


def test_without_min_cell_nothing_is_hidden(study):
    result = training_impact(study, PERIOD, n_boot=99)
    assert result.event_study["suppressed"].isna().all()
    assert "event_times_hidden" not in result.notes
