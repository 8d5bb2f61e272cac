"""The member's writes and the union's answers to them. Every change to the register goes through
the register's own actions (`members.actions`, `care.actions`) with the clerk as the user: the
member asks, the unions decide, as they do for a worker at the counter."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import ids, pii
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members import actions as members
from gonghui.members import sms
from gonghui.members.codes import Reason
from gonghui.members.identity import PHONE_CONTEXT, check_base_org, parse_phone, phone_index
from gonghui.members.models import Membership, Person, TransferSide
from gonghui.orgs.models import Org
from gonghui.portal import consents as consent_texts
from gonghui.portal import selectors
from gonghui.portal.auth import Member
from gonghui.portal.models import (
    OPEN_REQUEST_STATUSES,
    Consent,
    MemberAddress,
    MemberRequest,
    MemberToken,
    RequestKind,
    RequestPhoto,
    RequestStatus,
)

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"%PDF-": "application/pdf"}


def _member_membership(member: Member) -> Membership:
    m = selectors.current_membership(member)
    if m is None:
        raise ApplicationError(_("您目前没有有效会籍。"), code="not_member")
    return m


def _audit(member: Member, action: str, obj: Any, org_path: str, changes: dict[str, Any]) -> None:
    audit_record(user=None, action=action, obj=obj, org_path=org_path, changes={"by": "member", **changes})


@transaction.atomic
def request_submit(
    *, member: Member, kind: str, to_org: Org | None = None, note: str = "", data: dict[str, Any] | None = None,
    photos: list[Any] | None = None,
) -> MemberRequest:  # fmt: skip
    """The member asks: a transfer to `to_org`, 保留会籍, 退会, a correction, hardship or 金秋助学."""
    if kind not in RequestKind.values:
        raise ApplicationError(_("未知的事项。"), code="kind")
    m = _member_membership(member)
    data = dict(data or {})
    org = m.org
    if kind == RequestKind.TRANSFER:
        if to_org is None:
            raise ApplicationError(_("请选择转入的工会。"), code="to_org", details={"field": "to_org"})
        check_base_org(to_org)
        if to_org.pk == m.org_id:
            raise ApplicationError(
                _("转入工会与现所在工会相同。"), code="same_org", details={"field": "to_org"}
            )
        org = to_org
        data["from_org"] = m.org.code
    elif kind == RequestKind.RETAIN:
        if data.get("reason") not in (Reason.RETIRED, Reason.UNEMPLOYED):
            raise ApplicationError(_("请选择退休或失业。"), code="reason", details={"field": "reason"})
    elif kind in (RequestKind.CORRECTION,) and not (note or "").strip():
        raise ApplicationError(_("请写明需要更正的内容。"), code="note", details={"field": "note"})
    elif kind in (RequestKind.HARDSHIP, RequestKind.JINQIU):
        data = _household(kind, data)
    r = MemberRequest(person=member.person, membership=m, kind=kind, org=org, org_path=org.path,
                      data=data, note=(note or "").strip()[:500])  # fmt: skip
    try:
        with transaction.atomic():
            r.save()
    except IntegrityError:
        raise ConflictError(_("您已有一项同类事项在办理中。"), code="request_open") from None
    for f in (photos or [])[:MAX_PHOTOS]:
        _photo_add(r, f)
    _audit(member, "portal.request.submit", r, org.path, {"kind": kind})
    if kind == RequestKind.TRANSFER and m.org_path != org.path:
        _audit(member, "portal.request.submit", r, m.org_path, {"kind": kind})
    return r


def _household(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        size = int(data.get("household_size") or 0)
        income = int(data.get("household_income") or 0)
        children = int(data.get("children_in_school") or 0)
    except (TypeError, ValueError):
        raise ApplicationError(
            _("请填写数字。"), code="number", details={"field": "household_size"}
        ) from None
    if not 1 <= size <= 20:
        raise ApplicationError(
            _("家庭人口应为 1 至 20 人。"), code="household_size", details={"field": "household_size"}
        )
    if income < 0:
        raise ApplicationError(_("收入不能为负数。"), code="income", details={"field": "household_income"})
    if kind == RequestKind.JINQIU and children < 1:
        raise ApplicationError(
            _("金秋助学须有在学子女。"), code="children", details={"field": "children_in_school"}
        )
    return {"household_size": size, "household_income": income, "children_in_school": children,
            "situation": str(data.get("situation") or "")[:1000]}  # fmt: skip


def _photo_add(r: MemberRequest, upload: Any) -> RequestPhoto:
    size = int(getattr(upload, "size", 0) or 0)
    if not 0 < size <= MAX_PHOTO_BYTES:
        raise ApplicationError(
            _("照片不能为空，也不能超过 8 MB。"), code="photo_size", details={"field": "photos"}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    ctype = next((v for magic, v in PHOTO_TYPES.items() if head.startswith(magic)), None)
    if ctype is None:
        raise ApplicationError(
            _("只能上传 JPG、PNG 照片或 PDF。"), code="file_type", details={"field": "photos"}
        )
    ext = {"image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}[ctype]
    p = RequestPhoto(
        request=r,
        original_name=str(getattr(upload, "name", "") or "photo")[:120],
        content_type=ctype,
        size=size,
    )
    # a random name, never the uploaded one; served only through the hardship file it ends up in
    p.stored.save(
        f"portal/{timezone.localdate():%Y}/{uuid.uuid4().hex}{ext}", ContentFile(upload.read()), save=False
    )
    p.save()
    return p


@transaction.atomic
def request_withdraw(*, member: Member, request: MemberRequest) -> MemberRequest:
    r = MemberRequest.objects.select_for_update().get(pk=request.pk, person=member.person)
    if r.status != RequestStatus.PENDING:
        raise ApplicationError(_("该事项已在办理，不能撤回。"), code="request_state")
    r.status = RequestStatus.WITHDRAWN
    r.save(update_fields=["status"])
    _audit(member, "portal.request.withdraw", r, r.org_path, {})
    return r


@transaction.atomic
def request_answer(*, user: Any, request: MemberRequest, verb: str, answer: str = "") -> MemberRequest:
    """A clerk of the union in whose queue the request sits accepts or declines it."""
    r = (
        MemberRequest.objects.select_for_update(of=("self",))
        .select_related("membership", "org")
        .get(pk=request.pk)
    )
    if r.status != RequestStatus.PENDING:
        raise ApplicationError(_("该事项已处理。"), code="request_state")
    answer = (answer or "").strip()[:300]
    if verb == "decline":
        if not answer:
            raise ApplicationError(
                _("请填写不受理的原因。"), code="reason_required", details={"field": "answer"}
            )
        r.status = RequestStatus.DECLINED
    elif verb == "accept":
        r.status = _carry_out(user, r)
    else:
        raise ApplicationError(_("未知的操作。"), code="verb")
    r.answer, r.handled_by, r.handled_at = answer, user, timezone.now()
    r.save(update_fields=["status", "answer", "handled_by", "handled_at", "transfer"])
    audit_record(
        user=user, action=f"portal.request.{verb}", obj=r, org_path=r.org_path, changes={"kind": r.kind}
    )
    return r


def _carry_out(user: Any, r: MemberRequest) -> str:
    m = r.membership
    assert m is not None
    today = timezone.localdate()
    if r.kind == RequestKind.TRANSFER:
        # The receiving union takes the member's request up: it starts the transfer, the sending
        # union answers it on its transfers page (the register's own two-sided review).
        r.transfer = members.transfer_start(user=user, membership=m, to_org=r.org, side=TransferSide.TO,
                                            note=_("会员本人申请") + (f"：{r.note}" if r.note else ""))  # fmt: skip
        return RequestStatus.ACCEPTED
    if r.kind == RequestKind.RETAIN:
        members.membership_retain(
            user=user, membership=m, on=today, reason=r.data.get("reason", Reason.OTHER), note=r.note
        )
    elif r.kind == RequestKind.LEAVE:
        members.membership_leave(user=user, membership=m, on=today, reason=Reason.VOLUNTARY, note=r.note)
    elif r.kind in (RequestKind.HARDSHIP, RequestKind.JINQIU):
        _open_hardship(user, r, m)
    return RequestStatus.DONE


def _open_hardship(user: Any, r: MemberRequest, m: Membership) -> None:
    from gonghui.care import actions as care
    from gonghui.care.models import Category, Cause, DocKind

    d = r.data
    causes = [Cause.SCHOOLING] if r.kind == RequestKind.JINQIU else [Cause.LOW_INCOME]
    f = care.file_open(user=user, membership=m, category=Category.RELATIVE, household_size=int(d["household_size"]),
                       household_income=int(d["household_income"]), causes=causes,
                       children_in_school=int(d.get("children_in_school") or 0), situation=d.get("situation", ""))  # fmt: skip
    kind = DocKind.SCHOOLING if r.kind == RequestKind.JINQIU else DocKind.OTHER
    for p in r.photos.all():
        with p.stored.open("rb") as fh:
            upload = ContentFile(fh.read(), name=p.original_name)
        care.document_add(user=user, file=f, upload=upload, kind=kind, note=_("会员本人上传"))


@transaction.atomic
def address_update(*, member: Member, address: str) -> MemberAddress:
    if member.person is None:
        raise ApplicationError(_("您目前没有有效会籍。"), code="not_member")
    address = (address or "").strip()[:200]
    if not address:
        raise ApplicationError(_("请填写联系地址。"), code="address", details={"field": "address"})
    row, _created = MemberAddress.objects.update_or_create(
        person=member.person, defaults={"address": address}
    )
    m = selectors.current_membership(member)
    _audit(member, "portal.address", member.person, m.org_path if m else "", {})
    return row


def phone_change_code(*, member: Member, phone: str) -> str:
    """Send a code to the new phone (re-verification); rate-limited by the caller's view."""
    p = parse_phone(phone, required=True)
    if Person.objects.filter(phone_index=phone_index(p)).exists():
        raise ApplicationError(_("该手机号已登记在册。"), code="phone_taken", details={"field": "phone"})
    sms.phone_verification_start(phone=p)
    return ids.mask_phone(p)


@transaction.atomic
def phone_change(*, member: Member, phone: str, code: str) -> Person:
    """The new phone, proved by its code, replaces the old one; the member's other sessions end
    and this one follows the new phone."""
    if member.person is None:
        raise ApplicationError(_("您目前没有有效会籍。"), code="not_member")
    p = parse_phone(phone, required=True)
    if not sms.phone_verification_check(phone=p, code=code):
        raise ApplicationError(_("验证码不正确或已过期。"), code="bad_code", details={"field": "code"})
    person = Person.objects.select_for_update().get(pk=member.person.pk)
    old = person.phone_masked
    index = phone_index(p)
    person.phone_cipher, person.phone_index, person.phone_masked = (
        pii.encrypt(p, context=PHONE_CONTEXT),
        index,
        ids.mask_phone(p),
    )
    person.save(update_fields=["phone_cipher", "phone_index", "phone_masked", "updated_at"])
    MemberToken.objects.filter(person=person, revoked_at__isnull=True).exclude(pk=member.token.pk).update(
        revoked_at=timezone.now()
    )
    MemberToken.objects.filter(pk=member.token.pk).update(phone_index=index)
    member.token.phone_index = member.phone_index = index
    member.person = person
    m = selectors.current_membership(member)
    _audit(member, "portal.phone", person, m.org_path if m else "", {"phone": [old, person.phone_masked]})
    return person


@transaction.atomic
def consent_set(*, member: Member, item: str, given: bool) -> None:
    if member.person is None:
        raise ApplicationError(_("您目前没有有效会籍。"), code="not_member")
    if item not in consent_texts.OPTIONAL:
        raise ApplicationError(_("此项同意不能在此撤回。"), code="consent_item")
    version = consent_texts.OPTIONAL[item][0]
    now = timezone.now()
    live = Consent.objects.select_for_update().filter(
        person=member.person, item=item, withdrawn_at__isnull=True
    )
    if given and not live.exists():
        Consent.objects.create(person=member.person, item=item, version=version, given_at=now)
    elif not given:
        live.update(withdrawn_at=now)
    _audit(member, "portal.consent", member.person, "", {"item": item, "given": given})


def register_consent(member: Member) -> dict[str, Any] | None:
    """The join application's consent (version and time), for the member's own record."""
    apps = [a for a in selectors.applications(member) if a.status == "approved"] or selectors.applications(
        member
    )
    if not apps:
        return None
    a = apps[0]
    return {"version": a.consent_version, "at": a.consent_at}


def open_requests(member: Member) -> list[MemberRequest]:
    return [r for r in selectors.requests(member) if r.status in OPEN_REQUEST_STATUSES]


def today() -> dt.date:
    return timezone.localdate()
