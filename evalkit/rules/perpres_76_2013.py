"""Perpres 76/2013, *Pengelolaan Pengaduan Pelayanan Publik*: the complaint time limits.

The national complaint system SP4N-LAPOR! (Sistem Pengelolaan Pengaduan Pelayanan Publik
Nasional, lapor.go.id) rests on three texts:

- UU 25/2009 on public services: a provider must run complaint management and settle
  complaints (the article numbers and the days it sets are UNCONFIRMED here: the text
  was not read);
- Perpres 76/2013 on the management of public-service complaints (promulgated
  6 December 2013);
- PermenPANRB 62/2018, the national guideline for SP4N (its stage-by-stage days are
  UNCONFIRMED here: the text was not read).

Sources, read for this module (secondary; the regulations' own texts were not available
offline, so every number below is **UNCONFIRMED** against the regulation itself):

- [C1] Bisnis.com, "Pemerintah Harus Buka Kantor Pengaduan Masyarakat", 3 January 2014
  (kabar24.bisnis.com/read/20140103/79/195342): under Perpres 76/2013 citizens may
  complain up to 30 days after using a service, and the provider must settle a complaint
  within 60 days after the complaint file is declared complete.
- [C2] SIPPN service standards of local units (sippn.menpan.go.id), e.g. a kelurahan of
  the region: light complaints 2 working days, normative 5, without supervisory content
  14, requiring examination 60 working days; Kabupaten Malinau (Kalimantan Utara): 10
  working days, extendable by 7. A unit's own *maklumat/standar pelayanan* may set a
  shorter limit than the national one.

Proposed text for ``reference/regulations.md`` (a new section "Complaints"; the lead
keeps that folder):

    Complaint handling (SP4N-LAPOR!). UU 25/2009 (public services), Perpres 76/2013
    (complaint management), PermenPANRB 62/2018 (national SP4N guideline). Settlement
    within 60 days after the complaint file is complete (Perpres 76/2013 as reported by
    Bisnis.com 3 Jan 2014) — UNCONFIRMED against the text. Complaints may be filed up to
    30 days after the service (same source) — UNCONFIRMED. Units' own SIPPN standards
    range from 2 to 60 working days by the kind of complaint (sippn.menpan.go.id) —
    local standards, not national law. The SKM item on complaint handling is u8
    (penanganan pengaduan, saran dan masukan) in the regulation's order; keep the code.

This module imports nothing of the rest of evalkit.
"""

from __future__ import annotations

__all__ = ["COMPLAINT_ITEM", "FILING_LIMIT_DAYS", "SETTLEMENT_DAYS", "SETTLEMENT_STANDARDS"]

#: Days (calendar days after receipt) within which a complaint must be settled, as the
#: study uses it by default: 60 days after the complaint file is complete [C1],
#: **UNCONFIRMED** against the text of Perpres 76/2013. The data hold the date a
#: complaint was received, not the date its file was declared complete, so the measured
#: time is an upper bound of the regulated one (a complaint that needed more documents
#: may look late while it was not).
SETTLEMENT_DAYS: int = 60

#: Days after using a service within which a citizen may complain [C1], UNCONFIRMED.
FILING_LIMIT_DAYS: int = 30

#: Settlement limits found in the sources, ``(name, days, kind of days, source,
#: status)``; the study uses :data:`SETTLEMENT_DAYS` and can be given another.
SETTLEMENT_STANDARDS: tuple[tuple[str, int, str, str, str], ...] = (
    ("perpres_76_2013", 60, "calendar", "[C1] Bisnis.com 2014-01-03", "UNCONFIRMED"),
    ("sippn_local_light", 2, "working", "[C2] sippn.menpan.go.id (a kelurahan)", "local"),
    ("sippn_local_normative", 5, "working", "[C2] sippn.menpan.go.id (a kelurahan)", "local"),
    ("sippn_local_malinau", 10, "working", "[C2] sippn.menpan.go.id (Kab. Malinau)", "local"),
    ("sippn_local_examination", 60, "working", "[C2] sippn.menpan.go.id (a kelurahan)", "local"),
)

#: The SKM unsur on complaint handling, by code: u8 *penanganan pengaduan, saran dan
#: masukan* in PermenPANRB 14/2017's order (``permenpanrb_14_2017.UNSUR``;
#: reference/regulations.md §3: keep the code, not the questionnaire position).
COMPLAINT_ITEM: str = "u8"
