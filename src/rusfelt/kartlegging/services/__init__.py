"""Writes and reads of kartlegging, one module per job.

* ``rounds``: creating rounds and moving them through their states;
* ``registrations``: one person in one round, access and correction;
* ``imports``: registrations from CSV or XLSX, all or nothing;
* ``stored``: a round's stored results and current publications, the layer
  both ``results`` and ``publication`` read;
* ``results``: published (suppressed) results, area totals and the key
  figures other apps read;
* ``exports``: the audited pseudonymised record-level export;
* ``publication``: publishing a round (joint suppression, the intruder,
  storage), handing its shares to indikatorer, and the outsider's view of
  what was published;
* ``retention``: deleting record-level data after the retention period.

Each write runs in a transaction and is audited through ``core.audit``. The
names below are the package's public interface; callers use
``services.<name>`` and need not know which module holds it.
"""

from .errors import DuplicateRegistration, KartleggingError
from .exports import RECORD_FIELDS, export_records_csv, results_for_export
from .imports import (
    CHOICE_COLUMNS,
    FLAG_COLUMNS,
    MULTI_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    InvalidFiles,
    check_batch_size,
    clean_row,
    import_batch,
    import_registrations,
    pack_files,
    round_code_of,
    unpack_files,
)
from .publication import (
    footnote,
    indicator_values,
    notify_indikatorer,
    preview,
    publish,
    publish_sum,
    published_json,
    revisjon,
    sum_publication,
    withdraw,
)
from .registrations import (
    check_open_for,
    delete_registration,
    derived,
    existing_holder,
    find_person,
    pseudonym_for,
    pseudonym_key,
    register,
    update_registration,
)
from .results import (
    all_bydeler_published,
    area_results,
    area_results_raw,
    key_figures,
    published_results,
    published_results_for_rounds,
    results_csv,
    results_for_rounds,
)
from .retention import apply_retention
from .rounds import (
    CODE_RE,
    TRANSITIONS,
    change_state,
    create_round,
    parse_round_code,
    prerender_charts,
)
from .stored import compute_results, results_for, store_result

__all__ = [
    "CHOICE_COLUMNS", "CODE_RE", "FLAG_COLUMNS", "MULTI_COLUMNS", "OPTIONAL_COLUMNS",
    "RECORD_FIELDS", "REQUIRED_COLUMNS", "TRANSITIONS", "DuplicateRegistration",
    "KartleggingError", "all_bydeler_published", "apply_retention", "area_results",
    "area_results_raw", "change_state", "check_open_for", "clean_row", "compute_results",
    "create_round", "delete_registration", "derived", "existing_holder",
    "export_records_csv", "find_person", "import_batch", "import_registrations",
    "InvalidFiles", "check_batch_size", "indicator_values", "pack_files", "round_code_of",
    "unpack_files",
    "key_figures", "notify_indikatorer", "parse_round_code", "prerender_charts",
    "pseudonym_for", "pseudonym_key",
    "published_results", "published_results_for_rounds", "register",
    "results_for_rounds", "results_csv", "results_for", "results_for_export",
    "store_result",
    "update_registration", "footnote", "preview", "publish", "publish_sum", "published_json",
    "revisjon", "sum_publication", "withdraw",
]
