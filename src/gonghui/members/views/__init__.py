"""Staff pages of the register, one module per entity. Each view: the gatekeeper, a form, one action.
URL names are unchanged (members/urls.py imports the views from here)."""

from __future__ import annotations

from gonghui.members.views.applications import (
    application_approve,
    application_bulk,
    application_detail,
    application_edit,
    application_list,
    application_new,
    application_pdf,
    application_reject,
    application_return,
    check_id,
)
from gonghui.members.views.cards import card_batch, card_batch_pdf, card_issue, card_list, card_revoke
from gonghui.members.views.join_codes import qr_codes, qr_png, qr_poster
from gonghui.members.views.members import (
    member_detail,
    member_edit,
    member_export,
    member_list,
    member_reveal,
    member_status,
    transfer_out,
)
from gonghui.members.views.transfers import (
    transfer_accept,
    transfer_cancel,
    transfer_in,
    transfer_list,
    transfer_reject,
)

__all__ = [
    "application_approve", "application_bulk", "application_detail", "application_edit", "application_list", "application_new",
    "application_pdf", "application_reject", "application_return", "card_batch", "card_batch_pdf", "card_issue",
    "card_list", "card_revoke", "check_id", "member_detail", "member_edit", "member_export", "member_list",
    "member_reveal", "member_status", "qr_codes", "qr_png", "qr_poster", "transfer_accept", "transfer_cancel",
    "transfer_in", "transfer_list", "transfer_out", "transfer_reject",
]  # fmt: skip
