"""Every write to the member register: applications, memberships and their status, transfers.

Each action is keyword-only, atomic and audited; pages, the API and the CLI come through here,
and each membership write also moves the maintained statistics counters (reports/counters.py)
in the same transaction. Rules and sources:

* 申请关 (seed 004; 中国工会章程 art. 2): membership starts from the worker's own application —
  a signed paper form or their own phone, with explicit consent — approved by the base union.
* 档案关 (seed 004): the registration form's number is the electronic record's number.
* One person, at most one current (active or retained) membership in the whole system (DOMAIN.md);
  the database enforces it with a partial unique index, these actions give the clear message.
* 会员编号: unique and gap-free per union, from a counter row locked with SELECT … FOR UPDATE.
* Leaving (章程 art. 6), 开除会籍 (art. 7) and 保留会籍 (art. 8), 2008 text (see codes.Reason).

One module per entity (applications, memberships, transfers, founders, org_hooks, exports);
reads live in `members.selectors`, parsing in `members.identity`. This package re-exports what
other apps import, so `actions.application_create` keeps working.
"""

from __future__ import annotations

from gonghui.members.actions.applications import (
    application_approve,
    application_create,
    application_join_by_phone,
    application_reject,
    application_return,
    application_update,
    member_register,
)
from gonghui.members.actions.common import (
    already_member_error,
    format_form_no,
    format_member_no,
    next_number,
)
from gonghui.members.actions.exports import export_record
from gonghui.members.actions.founders import founder_register
from gonghui.members.actions.memberships import (
    STATUS_CHANGES,
    application_reveal_pii,
    membership_change_status,
    membership_expel,
    membership_expulsion_file,
    membership_leave,
    membership_restore,
    membership_retain,
    person_reveal_pii,
    person_update,
)
from gonghui.members.actions.org_hooks import org_end_guard, org_merge_hook
from gonghui.members.actions.transfers import (
    transfer_accept,
    transfer_answer,
    transfer_cancel,
    transfer_reject,
    transfer_start,
    transfer_start_by_id_number,
)
from gonghui.members.identity import (
    CODED_FIELDS,
    ID_CONTEXT,
    MIN_AGE,
    PERSON_FIELDS,
    PHONE_CONTEXT,
    TEXT_FIELDS,
    clean_person_fields,
    id_index,
    is_under_age,
    mask_org_name,
    parse_id,
    parse_phone,
    phone_index,
    pii_columns,
)
from gonghui.members.selectors import current_membership, has_valid_card

_pii_columns = pii_columns  # tests build fixtures with it

__all__ = [
    "CODED_FIELDS", "ID_CONTEXT", "MIN_AGE", "PERSON_FIELDS", "PHONE_CONTEXT", "STATUS_CHANGES", "TEXT_FIELDS",
    "already_member_error", "application_approve", "application_create", "application_join_by_phone",
    "application_reject", "application_return", "application_reveal_pii", "application_update",
    "clean_person_fields", "current_membership", "export_record", "format_form_no", "format_member_no",
    "founder_register", "has_valid_card", "id_index", "is_under_age", "mask_org_name", "member_register", "membership_change_status",
    "membership_expel", "membership_expulsion_file", "membership_leave", "membership_restore", "membership_retain", "next_number",
    "org_end_guard", "org_merge_hook", "parse_id", "parse_phone", "person_reveal_pii", "person_update",
    "phone_index", "pii_columns", "transfer_accept", "transfer_answer", "transfer_cancel", "transfer_reject",
    "transfer_start", "transfer_start_by_id_number",
]  # fmt: skip
