"""Simulate ICE's 287(g) lists with a known true history, and score a resolution against it.

``simulate(out_dir, seed=1, publications=60, agreements=400)`` writes::

    out_dir/sheets/manifest.csv                       like the bundled sample's manifest
    out_dir/sheets/sheets_<YYYYMMDD_HHMMSS>/<name>    participatingAgencies<MMDDYYYY><am|pm>.xlsx,
                                                      pendingAgencies<MMDDYYYY><am|pm>.xlsx
    out_dir/truth/rows.csv, agreements.csv, agencies.csv, events.csv, publications.csv

so that ``g287 import out_dir/sheets`` picks up every workbook with its first-seen time.
One seed always gives byte-identical files. ``SimulationConfig`` holds every rate (renewals,
renames, re-datings, typos, wrong states, duplicates, skipped captures, filters ...);
``agreements`` is the approximate size of the final participating list.

Modules: ``config`` (rates), ``model`` (agencies, agreements, printed rows), ``names``
(agency names, typos), ``links`` (MOA URLs, safelinks), ``world`` and ``events`` (the
true history), ``history`` (calendar and captures), ``render`` (workbook bytes),
``truth`` (truth files), ``score``, ``run`` (``simulate``).

Truth files (CSV, UTF-8, header row):

``rows.csv``
    One line per data row of every *distinct* workbook (a workbook re-published byte for
    byte under a second name is listed once, under its first name): ``sha256``,
    ``file_name``, ``row_number`` (the Excel row number; the header is row 1),
    ``true_agreement_id``, ``true_agency_id``, ``kind`` (participating | pending). A
    pending row belongs to the agreement it later becomes (or a withdrawn one).
``agreements.csv``
    One line per agreement with at least one row: ``true_agreement_id``, ``agency_id``,
    ``state`` (USPS), ``model`` (TFM | WSO | JEM), ``signed`` (the true date, ISO; empty
    for pending-only), ``printed_signed`` (every SIGNED value ICE printed, ``|``-joined:
    ISO dates or raw text), ``status`` (active | superseded | removed; pending-only
    agreements are pending | withdrawn), ``end_reason`` (renewed | model_switch |
    terminated | withdrawn), ``successor_id`` (set iff superseded: the renewal),
    ``switched_to`` (the new model's agreement after a model switch; that one is removed,
    not superseded, as in the DDP rules), ``first_listed``, ``last_listed`` and
    ``removed_by`` (ICE dates of the first and last distinct captured participating lists
    that show it, and of the next one, which does not), ``first_pending``,
    ``last_pending``, ``agency_name`` (canonical), ``rows``, ``scenario`` (the scenarios
    it is part of, ``|``-joined: a hard case of ``HARD_SCENARIOS`` or an ordinary quirk
    such as ``renewal``, ``name_typo``; empty for an ordinary agreement).
``agencies.csv``
    ``agency_id``, ``state``, ``type``, ``county``, ``name`` (canonical),
    ``names_printed`` (``|``-joined participating spellings over time).
``events.csv``
    What happened at each step, for debugging: ``step``, ``published``, ``part_of_day``,
    ``captured`` (0 when the scraper missed that step), ``event`` (listed, pending_listed,
    promoted, withdrawn, renewed, model_switch, terminated, renamed, link_filled,
    redated, printed_signed, county_filled, type_fixed, addendum_column, addendum_added,
    name_typo, state_typo, wrong_state, duplicate, near_duplicate, filtered_list,
    skipped, same_name, same_bytes, empty_list, pending_row_dropped), ``agreement_id``,
    ``agency_id``, ``detail``.
``publications.csv``
    One line per file written: ``sha256``, ``file_name``, ``folder``, ``kind``,
    ``published`` (ICE's file-name date), ``part_of_day``, ``first_seen_utc``, ``step``,
    ``rows``, ``distinct`` (0 for a byte-identical re-publication), ``suspect`` (1 for the
    truncated list of the ``truncated_list`` hard case: a resolver should hold it, and it
    counts for no agreement's listing window), ``active`` (a distinct participating list's
    true as-of active count: its distinct agreements, or for a suspect list the last
    believed list's).

``simulate(..., hard=True)`` (``g287 simulate --hard``) also stages every hard case of
``config.HARD_SCENARIOS`` once (``hard``): co-listed agencies whose names contain each
other, chained renames, an impossible year never corrected, exact and near duplicates,
unreadable and wrong states, a truncated list.

Dates in ``agreements.csv`` refer to *captured* participating lists, the only ones a
resolver can see; ``events.csv`` also records the steps nobody captured.

``score(truth_dir, predicted_rows, predicted_agreements, predicted_counts)`` compares a
resolution with the truth: at the agreement grain (the share of true agreements whose
rows are exactly one predicted agreement, overall and per scenario, with the worst cases
and their rows), the per-list as-of active counts, pairwise precision/recall of agreement
identity over participating rows, and the accuracy of status, signing date, first and
last listing.
"""

from g287.simulate.config import SimulationConfig
from g287.simulate.run import SimulationSummary, simulate
from g287.simulate.score import score
from g287.simulate.score_model import PredictedAgreement, Score

__all__ = [
    "PredictedAgreement",
    "Score",
    "SimulationConfig",
    "SimulationSummary",
    "score",
    "simulate",
]
