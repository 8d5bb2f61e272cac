"""Every write to the member register: applications, memberships and their status, transfers.

Each action is keyword-only, atomic and audited; pages, the API, the demo and (later) roster
import and statistics counters all come through here; each membership write also moves the
maintained statistics counters (reports/counters.py) in the same transaction. Rules and sources:

* 申请关 (seed 004; 中国工会章程 art. 2): membership starts from the worker's own application —
  a signed paper form or their own phone, with explicit consent — approved by the base union.
* 档案关 (seed 004): the registration form's number is the electronic record's number.
* One person, at most one current (active or retained) membership in the whole system (DOMAIN.md);
  the database enforces it with a partial unique index, these actions give the clear message.
* 会员编号: unique and gap-free per union, from a counter row locked with SELECT … FOR UPDATE.
* Leaving, retaining and expulsion follow 章程 arts. 6–8 (see codes.Reason).
"""

from __future__ import annotations

import datetime as dt
import secrets
from types import SimpleNamespace
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import access, ids, pii
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members import codes
from gonghui.members.codes import EventType, Reason, Table
from gonghui.members.models import (
    CURRENT_STATUSES,
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    Card,
    CardStatus,
    Channel,
    Counter,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferSide,
    TransferStatus,
)  # fmt: skip
from gonghui.orgs.models import Employer, Org
from gonghui.reports import counters

ID_CONTEXT = "id_number"
PHONE_CONTEXT = "phone"
MIN_AGE = 16  # 劳动法 art. 15: no employment below 16, so no union membership either

# field → code table it must come from
CODED_FIELDS: dict[str, str] = {
    "ethnicity": Table.ETHNICITY,
    "education": Table.EDUCATION,
    "political_status": Table.POLITICAL,
    "hukou_type": Table.HUKOU,
    "employment_status": Table.EMPLOYMENT,
    "new_employment_group": Table.NEW_EMPLOYMENT,
    "skill_level": Table.SKILL,
}
TEXT_FIELDS = ("job", "employer_name", "workplace")
PERSON_FIELDS = (*CODED_FIELDS, "job", "employer_name", "is_model_worker", "is_migrant")


# --------------------------------------------------------------------------- helpers


def mask_org_name(name: str) -> str:
    """A union's name for someone outside its scope: 会泽县某某公司工会 → 会**工会."""
    if len(name) <= 3:
        return name[:1] + "**"
    return name[0] + "**" + name[-2:]


def parse_id(raw: str) -> ids.IdInfo:
    try:
        return ids.parse_id_number(raw or "")
    except ids.IdNumberError as e:
        raise ApplicationError(
            e.message, code="id_number", details={"field": "id_number", "error": e.code}
        ) from None


def parse_phone(raw: str, *, required: bool = False) -> str:
    if not (raw or "").strip():
        if required:
            raise ApplicationError(_("请填写手机号。"), code="phone", details={"field": "phone"})
        return ""
    try:
        return ids.normalize_phone(raw)
    except ids.PhoneError as e:
        raise ApplicationError(e.message, code="phone", details={"field": "phone"}) from None


def id_index(number: str) -> str:
    return pii.blind_index(number, context=ID_CONTEXT)


def phone_index(phone: str) -> str:
    return pii.blind_index(phone, context=PHONE_CONTEXT) if phone else ""


def _pii_columns(info: ids.IdInfo, phone: str) -> dict[str, Any]:
    return {
        "id_cipher": pii.encrypt(info.number, context=ID_CONTEXT),
        "id_index": id_index(info.number),
        "id_masked": ids.mask_id_number(info.number),
        "gender": info.gender,
        "birth_date": info.birth_date,
        "birthplace_code": info.address_code,
        "phone_cipher": pii.encrypt(phone, context=PHONE_CONTEXT) if phone else "",
        "phone_index": phone_index(phone),
        "phone_masked": ids.mask_phone(phone) if phone else "",
    }


def clean_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the coded and free-text person fields; derive 农民工 from the hukou unless given."""
    out: dict[str, Any] = {}
    for field, table in CODED_FIELDS.items():
        value = (fields.get(field) or "").strip()
        if value and not codes.is_valid(table, value):
            raise ApplicationError(
                _("%(table)s代码“%(code)s”无效。") % {"table": codes.TABLE_LABELS[table], "code": value},
                code="code_value", details={"field": field},
            )  # fmt: skip
        out[field] = value
    for field in ("job", "employer_name"):
        out[field] = (fields.get(field) or "").strip()[: 120 if field == "employer_name" else 60]
    out["is_model_worker"] = bool(fields.get("is_model_worker"))
    migrant = fields.get("is_migrant")
    out["is_migrant"] = out["hukou_type"] == codes.HUKOU_AGRICULTURAL if migrant is None else bool(migrant)
    return out


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("请填写姓名。"), code="required", details={"field": "name"})
    if len(name) > 40:
        raise ApplicationError(_("姓名过长。"), code="name", details={"field": "name"})
    return name


def _check_base_org(org: Org) -> None:
    if not org.is_base:
        raise ApplicationError(
            _("会员只能加入基层工会、联合基层工会或新就业形态工会，“%(name)s”是%(kind)s。") % {"name": org.name, "kind": org.get_kind_display()},
            code="org_kind", details={"field": "org"},
        )  # fmt: skip
    if not org.is_active:
        raise ApplicationError(
            _("“%(name)s”已撤销或合并。") % {"name": org.name}, code="org_inactive", details={"field": "org"}
        )


def _check_age(birth: dt.date, on: dt.date) -> None:
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if age < MIN_AGE:
        raise ApplicationError(
            _("申请人未满 16 周岁，不能入会。"), code="too_young", details={"field": "id_number"}
        )


def _check_date(on: dt.date, field: str) -> dt.date:
    if on > timezone.localdate():
        raise ApplicationError(_("日期不能晚于今天。"), code="future_date", details={"field": field})
    return on


def _employer_fields(employer: Employer | None, employer_name: str) -> dict[str, Any]:
    if employer is not None:
        return {"employer": employer, "employer_name": employer.name}
    return {"employer": None, "employer_name": employer_name}


def current_membership(index: str) -> Membership | None:
    return (
        Membership.objects.select_related("org", "person")
        .filter(person__id_index=index, status__in=CURRENT_STATUSES)
        .first()
    )


def already_member_error(user: Any, membership: Membership, *, org: Org | None = None) -> ConflictError:
    """The clear message for a second membership: the union by name when the user may see it,
    else masked; details say a transfer (接转) is the way."""
    visible = (
        user is not None
        and getattr(user, "is_authenticated", False)
        and access.in_scope(user, membership.org_path)
    )
    details: dict[str, Any] = {"field": "id_number", "transfer": True, "status": membership.status}
    if org is not None and membership.org_id == org.pk:
        msg = _("该身份证号已是本会（%(org)s）的会员，会员编号 %(no)s，不能重复入会。") % {
            "org": membership.org.name,
            "no": membership.member_no,
        }
        details.update(membership=membership.pk, org=membership.org.code, same_org=True, transfer=False)
    elif visible:
        msg = _("该身份证号已是%(org)s的会员（会员编号 %(no)s），一人只能有一个有效会籍。如已更换工作单位，请办理会员关系接转。") % {
            "org": membership.org.name, "no": membership.member_no,
        }  # fmt: skip
        details.update(membership=membership.pk, org=membership.org.code)
    else:
        msg = _("该身份证号已在其他工会（%(org)s）登记为会员，一人只能有一个有效会籍。如已更换工作单位，请办理会员关系接转。") % {
            "org": mask_org_name(membership.org.name),
        }  # fmt: skip
        details.update(masked_org=mask_org_name(membership.org.name))
    return ConflictError(msg, code="already_member", details=details)


def next_number(org: Org, kind: str) -> int:
    """The next number of `kind` for `org`, gap-free: the counter row is locked until commit."""
    for _attempt in range(3):
        row = Counter.objects.select_for_update().filter(org=org, kind=kind).first()
        if row is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(org=org, kind=kind, value=0)
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            continue
        row.value += 1
        row.save(update_fields=["value"])
        return row.value
    raise ConflictError(_("编号分配冲突，请重试。"), code="counter_conflict")  # pragma: no cover


def format_member_no(org: Org, n: int) -> str:
    return f"{org.code}{n:06d}"


def format_form_no(org: Org, n: int) -> str:
    return f"{org.code}-{n:06d}"


def _event(*, membership: Membership, type: str, reason: str, on: dt.date, user: Any,
           from_org: Org | None = None, to_org: Org | None = None, note: str = "") -> MembershipEvent:  # fmt: skip
    return MembershipEvent.objects.create(
        person_id=membership.person_id, membership=membership, org_path=membership.org_path, type=type, reason=reason, on=on,
        from_org=from_org, to_org=to_org, user=user if getattr(user, "is_authenticated", False) else None, note=note[:200],
    )  # fmt: skip


def _audit_user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def has_valid_card(person_id: int) -> bool:
    return Card.objects.filter(person_id=person_id, status=CardStatus.VALID).exists()


def _count_out(m: Membership, person: Person, *, has_card: bool) -> None:
    """Statistics counters (reports/counters.py): a current membership stops counting."""
    if m.status == MembershipStatus.ACTIVE:
        counters.on_member_left(m.org_path, person, has_card=has_card)
    elif m.status == MembershipStatus.RETAINED:
        counters.on_retained_left(m.org_path)


# --------------------------------------------------------------------------- applications


@transaction.atomic
def application_create(
    *, user: Any, org: Org, channel: str, name: str, id_number: str, phone: str = "", consent_version: str,
    consent_at: dt.datetime | None = None, phone_verified: bool = False, employer: Employer | None = None,
    workplace: str = "", **fields: Any,
) -> Application:  # fmt: skip
    """Record a join application (申请关) and give it its registration-form number (档案关).

    Refused when the person already holds a current membership (the message names the union, or
    masks it outside the user's scope, and points to a transfer) or has a pending application
    here; one returned for correction is replaced by the new one.
    """
    _check_base_org(org)
    if channel not in (Channel.PAPER, Channel.QR, Channel.ROSTER):
        raise ApplicationError(_("未知的申请渠道。"), code="channel")
    name = _clean_name(name)
    info = parse_id(id_number)
    today = timezone.localdate()
    _check_age(info.birth_date, today)
    phone = parse_phone(phone, required=channel == Channel.QR)
    person_fields = clean_person_fields({**fields, "employer_name": fields.get("employer_name", "")})
    index = id_index(info.number)
    if (existing := current_membership(index)) is not None:
        raise already_member_error(user, existing, org=org)
    if Application.objects.filter(org=org, id_index=index, status=ApplicationStatus.PENDING).exists():
        raise ConflictError(
            _("该身份证号在本会已有待审核的入会申请，请等待审核结果。"),
            code="duplicate_application",
            details={"field": "id_number"},
        )
    form_no = format_form_no(org, next_number(org, Counter.FORM_NO))
    # A new application replaces one that was returned for correction.
    Application.objects.filter(org=org, id_index=index, status=ApplicationStatus.RETURNED).update(
        status=ApplicationStatus.REJECTED,
        reason=_("申请人已重新提交（登记表编号 %(no)s）") % {"no": form_no},
        updated_at=timezone.now(),
    )
    app = Application(
        channel=channel, org=org, org_path=org.path, province_code=org.province_code, form_no=form_no,
        public_token=secrets.token_urlsafe(16), name=name, phone_verified=phone_verified and bool(phone),
        workplace=(workplace or "").strip()[:120], consent_at=consent_at or timezone.now(), consent_version=consent_version,
        submitted_by=_audit_user(user), **_pii_columns(info, phone),
        **{**person_fields, **_employer_fields(employer, person_fields["employer_name"])},
    )  # fmt: skip
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:  # a second submit of the same person at the same moment
        raise ConflictError(
            _("该身份证号在本会已有待审核或待修改的入会申请。"),
            code="duplicate_application",
            details={"field": "id_number"},
        ) from None
    audit_record(
        user=_audit_user(user), action="application.create", obj=app, org_path=app.org_path,
        changes={"channel": channel, "form_no": form_no, "id": app.id_masked},
    )  # fmt: skip
    return app


@transaction.atomic
def application_update(
    *, user: Any, application: Application, name: str, id_number: str = "", phone: str = "",
    employer: Employer | None = None, workplace: str = "", resubmit: bool = True, **fields: Any,
) -> Application:  # fmt: skip
    """Correct an application that is pending or was returned; a returned one goes back to the
    queue. An empty `id_number` / `phone` keeps the stored one (they are never shown in full)."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.status not in OPEN_APPLICATION_STATUSES:
        raise ApplicationError(_("只有待审核或退回修改的申请可以修改。"), code="application_closed")
    app.name = _clean_name(name)
    if id_number.strip():
        info = parse_id(id_number)
        _check_age(info.birth_date, timezone.localdate())
        cols = _pii_columns(info, "")
        for k in ("id_cipher", "id_index", "id_masked", "gender", "birth_date", "birthplace_code"):
            setattr(app, k, cols[k])
        if (existing := current_membership(app.id_index)) is not None:
            raise already_member_error(user, existing, org=app.org)
    if phone.strip():
        p = parse_phone(phone)
        app.phone_cipher, app.phone_index, app.phone_masked = (
            pii.encrypt(p, context=PHONE_CONTEXT),
            phone_index(p),
            ids.mask_phone(p),
        )
        app.phone_verified = False
    person_fields = clean_person_fields(fields)
    for k, v in {**person_fields, **_employer_fields(employer, person_fields["employer_name"])}.items():
        setattr(app, k, v)
    app.workplace = (workplace or "").strip()[:120]
    before = app.status
    if resubmit:
        app.status = ApplicationStatus.PENDING
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        raise ConflictError(
            _("该身份证号在本会已有待审核或待修改的入会申请。"),
            code="duplicate_application",
            details={"field": "id_number"},
        ) from None
    audit_record(user=_audit_user(user), action="application.update", obj=app, org_path=app.org_path,
                 changes={"status": [before, app.status], "id": app.id_masked})  # fmt: skip
    return app


def _person_get_or_create(*, org: Org, data: dict[str, Any]) -> tuple[Person, bool]:
    """The person with `data["id_index"]`, locked, or a new one from `data` (race-safe: the unique
    blind index decides who was first)."""
    person = Person.objects.select_for_update().filter(id_index=data["id_index"]).first()
    if person is not None:
        return person, False
    try:
        with transaction.atomic():
            return Person.objects.create(province_code=org.province_code, **data), True
    except IntegrityError:
        return Person.objects.select_for_update().get(id_index=data["id_index"]), False


def _person_upsert(*, user: Any, org: Org, source: Application) -> Person:
    """The person for this ID number, created or refreshed from the application; refused if they
    hold a current membership (race-safe: the unique blind index decides who was first)."""
    data = {k: getattr(source, k) for k in (
        "name", "id_cipher", "id_index", "id_masked", "gender", "birth_date", "birthplace_code", "phone_cipher",
        "phone_index", "phone_masked", *CODED_FIELDS, "job", "employer_name", "is_model_worker", "is_migrant", "employer_id",
    )}  # fmt: skip
    person, created = _person_get_or_create(org=org, data=data)
    if created:
        return person
    if (existing := current_membership(source.id_index)) is not None:
        raise already_member_error(user, existing, org=org)
    # a former member joins again: keep the person, refresh what they told us now
    if not data["phone_cipher"]:
        for k in ("phone_cipher", "phone_index", "phone_masked"):
            data.pop(k)
    for k, v in data.items():
        setattr(person, k, v)
    person.save()
    return person


def _membership_open(
    *, user: Any, person: Person, org: Org, joined_on: dt.date, channel: str, form_no: str, event_type: str,
    reason: str, from_org: Org | None = None, note: str = "",
) -> Membership:  # fmt: skip
    member_no = format_member_no(org, next_number(org, Counter.MEMBER_NO))
    try:
        with transaction.atomic():
            m = Membership.objects.create(
                person=person, org=org, org_path=org.path, province_code=org.province_code, member_no=member_no,
                form_no=form_no, joined_on=joined_on, status=MembershipStatus.ACTIVE, channel=channel,
            )  # fmt: skip
    except IntegrityError:
        # The partial unique index: someone else made this person a member a moment ago.
        existing = current_membership(person.id_index)
        if existing is not None:
            raise already_member_error(user, existing, org=org) from None
        raise
    _event(
        membership=m,
        type=event_type,
        reason=reason,
        on=joined_on,
        user=user,
        from_org=from_org,
        to_org=org,
        note=note,
    )
    counters.on_member_joined(m.org_path, person, has_card=has_valid_card(person.pk))
    return m


@transaction.atomic
def application_approve(
    *, user: Any, application: Application, joined_on: dt.date | None = None
) -> Membership:
    """Approve a pending application (章程 art. 2: the base union's committee admits): the person is
    registered, gets the union's next 会员编号, and the form number becomes the record number."""
    app = Application.objects.select_for_update().select_related("org").get(pk=application.pk)
    if app.status != ApplicationStatus.PENDING:
        raise ApplicationError(
            _("该申请当前状态为“%(s)s”，不能审核通过。") % {"s": app.get_status_display()},
            code="application_state",
        )
    _check_base_org(app.org)
    joined_on = _check_date(joined_on or timezone.localdate(), "joined_on")
    _check_age(app.birth_date, joined_on)
    person = _person_upsert(user=user, org=app.org, source=app)
    m = _membership_open(user=user, person=person, org=app.org, joined_on=joined_on, channel=app.channel,
                         form_no=app.form_no, event_type=EventType.JOIN, reason=Reason.APPLY)  # fmt: skip
    app.status = ApplicationStatus.APPROVED
    app.membership = m
    app.reviewed_by = _audit_user(user)
    app.reviewed_at = timezone.now()
    app.reason = ""
    app.save(update_fields=["status", "membership", "reviewed_by", "reviewed_at", "reason", "updated_at"])
    audit_record(user=_audit_user(user), action="application.approve", obj=app, org_path=app.org_path,
                 changes={"member_no": m.member_no, "membership": m.pk})  # fmt: skip
    audit_record(user=_audit_user(user), action="membership.create", obj=m, org_path=m.org_path,
                 object_repr=f"{person.name} {m.member_no}", changes={"form_no": m.form_no, "channel": m.channel})  # fmt: skip
    return m


def _review_close(
    *, user: Any, application: Application, status: str, reason: str, action: str
) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("请填写原因，申请人会看到它。"), code="reason_required", details={"field": "reason"}
        )
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.status != ApplicationStatus.PENDING:
        raise ApplicationError(
            _("该申请当前状态为“%(s)s”，不能再审核。") % {"s": app.get_status_display()},
            code="application_state",
        )
    app.status = status
    app.reason = reason[:200]
    app.reviewed_by = _audit_user(user)
    app.reviewed_at = timezone.now()
    app.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        user=_audit_user(user), action=action, obj=app, org_path=app.org_path, changes={"reason": app.reason}
    )
    return app


@transaction.atomic
def application_reject(*, user: Any, application: Application, reason: str) -> Application:
    """Reject with a reason the applicant sees (e.g. not a wage earner, 工会法 art. 3)."""
    return _review_close(
        user=user,
        application=application,
        status=ApplicationStatus.REJECTED,
        reason=reason,
        action="application.reject",
    )


@transaction.atomic
def application_return(*, user: Any, application: Application, reason: str) -> Application:
    """Return for correction; the corrected application comes back to the queue."""
    return _review_close(
        user=user,
        application=application,
        status=ApplicationStatus.RETURNED,
        reason=reason,
        action="application.return",
    )


@transaction.atomic
def member_register(*, user: Any, org: Org, joined_on: dt.date | None = None, **data: Any) -> Membership:
    """Register a member from a signed paper application in one step (application + approval),
    for a user who may both register and review. The application row keeps the form number."""
    data.setdefault("channel", Channel.PAPER)
    data.setdefault("consent_version", "paper-signature")
    app = application_create(user=user, org=org, **data)
    return application_approve(user=user, application=app, joined_on=joined_on)


# --------------------------------------------------------------------------- personal data


@transaction.atomic
def person_reveal_pii(*, user: Any, membership: Membership, purpose: str = "view") -> dict[str, str]:
    """The full ID number and phone, for a user holding the reveal right in scope; audited."""
    access.require(user, Perm.REVEAL_PII, path=membership.org_path)
    person = membership.person
    out = {
        "id_number": pii.decrypt(person.id_cipher, context=ID_CONTEXT),
        "phone": pii.decrypt(person.phone_cipher, context=PHONE_CONTEXT) if person.phone_cipher else "",
    }
    audit_record(user=user, action="pii.reveal", obj=person, org_path=membership.org_path,
                 changes={"membership": membership.pk, "purpose": purpose, "id": person.id_masked})  # fmt: skip
    return out


@transaction.atomic
def application_reveal_pii(*, user: Any, application: Application, purpose: str = "view") -> dict[str, str]:
    access.require(user, Perm.REVEAL_PII, path=application.org_path)
    out = {
        "id_number": pii.decrypt(application.id_cipher, context=ID_CONTEXT),
        "phone": pii.decrypt(application.phone_cipher, context=PHONE_CONTEXT)
        if application.phone_cipher
        else "",
    }
    audit_record(user=user, action="pii.reveal", obj=application, org_path=application.org_path,
                 changes={"purpose": purpose, "id": application.id_masked})  # fmt: skip
    return out


@transaction.atomic
def person_update(
    *,
    user: Any,
    membership: Membership,
    name: str,
    phone: str = "",
    employer: Employer | None = None,
    **fields: Any,
) -> Person:
    """Edit a member's own data; 农民工 may be set by hand (it defaults from the hukou).
    An empty phone keeps the stored one."""
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    before = SimpleNamespace(
        is_migrant=person.is_migrant, gender=person.gender, new_employment_group=person.new_employment_group
    )
    person.name = _clean_name(name)
    if phone.strip():
        p = parse_phone(phone)
        person.phone_cipher, person.phone_index, person.phone_masked = (
            pii.encrypt(p, context=PHONE_CONTEXT),
            phone_index(p),
            ids.mask_phone(p),
        )
    cleaned = clean_person_fields(fields)
    for k, v in {**cleaned, **_employer_fields(employer, cleaned["employer_name"])}.items():
        setattr(person, k, v)
    person.save()
    active = Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE).first()
    if active is not None:
        counters.on_person_changed(active.org_path, before, person)
    audit_record(
        user=user,
        action="person.update",
        obj=person,
        org_path=membership.org_path,
        changes={"membership": membership.pk},
    )
    return person


# --------------------------------------------------------------------------- status changes

# change → (allowed from, new status, event type, allowed reasons)
STATUS_CHANGES: dict[str, tuple[tuple[str, ...], str, str, tuple[str, ...]]] = {
    "retain": (
        (MembershipStatus.ACTIVE,),
        MembershipStatus.RETAINED,
        EventType.RETAIN,
        (Reason.RETIRED, Reason.UNEMPLOYED, Reason.OTHER),
    ),
    "restore": (
        (MembershipStatus.RETAINED,),
        MembershipStatus.ACTIVE,
        EventType.RESTORE,
        (Reason.REEMPLOYED, Reason.OTHER),
    ),
    "leave": (
        CURRENT_STATUSES,
        MembershipStatus.LEFT,
        EventType.LEAVE,
        (Reason.VOLUNTARY, Reason.LAPSED, Reason.OTHER),
    ),
    "expel": (CURRENT_STATUSES, MembershipStatus.EXPELLED, EventType.EXPEL, (Reason.CRIMINAL,)),
}


@transaction.atomic
def membership_change_status(
    *, user: Any, membership: Membership, change: str, on: dt.date, reason: str, note: str = ""
) -> Membership:
    """保留会籍 (retired, unemployed; 章程 art. 7), 恢复, 退会 (voluntary, or automatic after six
    months without dues or activity; art. 6), 除名 (after a criminal penalty; art. 8). Ending a
    membership revokes the person's valid cards."""
    if change not in STATUS_CHANGES:
        raise ApplicationError(_("未知的会籍变化。"), code="change")
    allowed_from, new_status, event_type, reasons = STATUS_CHANGES[change]
    m = Membership.objects.select_for_update().select_related("person", "org").get(pk=membership.pk)
    if m.status not in allowed_from:
        raise ApplicationError(
            _("会籍状态为“%(s)s”，不能办理%(c)s。")
            % {"s": m.get_status_display(), "c": codes.label(Table.CHANGE_TYPE, event_type)},
            code="membership_state",
        )
    if reason not in reasons:
        raise ApplicationError(
            _("变化原因不适用于此项会籍变化。"), code="reason", details={"field": "reason"}
        )
    on = _check_date(on, "on")
    if on < m.joined_on:
        raise ApplicationError(_("日期不能早于入会日期。"), code="date_order", details={"field": "on"})
    before = m.status
    had_card = has_valid_card(m.person_id)
    if new_status == MembershipStatus.RETAINED:
        counters.on_member_retained(m.org_path, m.person, has_card=had_card)
    elif new_status == MembershipStatus.ACTIVE:
        counters.on_member_restored(m.org_path, m.person, has_card=had_card)
    else:
        _count_out(m, m.person, has_card=had_card)
    m.status = new_status
    fields = ["status", "updated_at"]
    if new_status not in CURRENT_STATUSES:
        m.ended_on = on
        fields.append("ended_on")
        Card.objects.filter(person_id=m.person_id, status=CardStatus.VALID).update(
            status=CardStatus.REVOKED, revoked_on=on
        )
        Transfer.objects.filter(from_membership=m, status=TransferStatus.PENDING).update(
            status=TransferStatus.CANCELLED, decided_at=timezone.now(), decision_note=_("会籍已终止")
        )
    m.save(update_fields=fields)
    _event(membership=m, type=event_type, reason=reason, on=on, user=user, note=note)
    audit_record(user=_audit_user(user), action=f"membership.{change}", obj=m, org_path=m.org_path,
                 object_repr=f"{m.person.name} {m.member_no}", changes={"status": [before, new_status], "reason": reason})  # fmt: skip
    return m


def membership_retain(
    *, user: Any, membership: Membership, on: dt.date, reason: str, note: str = ""
) -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="retain", on=on, reason=reason, note=note
    )


def membership_restore(
    *, user: Any, membership: Membership, on: dt.date, reason: str = Reason.REEMPLOYED, note: str = ""
) -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="restore", on=on, reason=reason, note=note
    )


def membership_leave(
    *, user: Any, membership: Membership, on: dt.date, reason: str = Reason.VOLUNTARY, note: str = ""
) -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="leave", on=on, reason=reason, note=note
    )


def membership_expel(*, user: Any, membership: Membership, on: dt.date, note: str = "") -> Membership:
    return membership_change_status(
        user=user, membership=membership, change="expel", on=on, reason=Reason.CRIMINAL, note=note
    )


# --------------------------------------------------------------------------- transfers


@transaction.atomic
def transfer_start(
    *, user: Any, membership: Membership, to_org: Org, side: str, reason: str = Reason.JOB_CHANGE,
    new_employer: Employer | None = None, new_employer_name: str = "", note: str = "", application: Application | None = None,
) -> Transfer:  # fmt: skip
    """Start a transfer (会员关系接转: membership follows the job). Either union may start it —
    the sending one (`side="from"`) or the receiving one the worker went to (`side="to"`); the
    other side answers (accepts or rejects), so neither side's records change unseen. If the new
    employer has no union, the receiving union is the area's joint or new-employment union."""
    m = Membership.objects.select_for_update().select_related("org", "person").get(pk=membership.pk)
    if side not in (TransferSide.FROM, TransferSide.TO):
        raise ApplicationError(_("未知的发起方。"), code="side")
    if m.status not in CURRENT_STATUSES:
        raise ApplicationError(_("该会籍已终止，不能办理接转。"), code="membership_state")
    _check_base_org(to_org)
    if to_org.pk == m.org_id:
        raise ApplicationError(_("转入工会与现所在工会相同。"), code="same_org", details={"field": "to_org"})
    if reason not in (Reason.JOB_CHANGE, Reason.OTHER):
        raise ApplicationError(_("变化原因不适用于接转。"), code="reason", details={"field": "reason"})
    if Transfer.objects.filter(from_membership=m, status=TransferStatus.PENDING).exists():
        raise ConflictError(_("该会员已有一项待确认的接转。"), code="transfer_pending")
    if new_employer is not None:
        new_employer_name = new_employer.name
    t = Transfer(
        person=m.person, from_membership=m, from_org=m.org, from_path=m.org_path, to_org=to_org, to_path=to_org.path,
        initiated_by=side, reason=reason, new_employer=new_employer, new_employer_name=(new_employer_name or "")[:120],
        note=(note or "")[:200], application=application, started_by=_audit_user(user),
    )  # fmt: skip
    try:
        with transaction.atomic():
            t.save()
    except IntegrityError:
        raise ConflictError(_("该会员已有一项待确认的接转。"), code="transfer_pending") from None
    for path in {t.from_path, t.to_path}:
        audit_record(user=_audit_user(user), action="transfer.start", obj=t, org_path=path, object_repr=f"{m.person.name} {m.org.name} → {to_org.name}",
                     changes={"from": m.org.code, "to": to_org.code, "side": side})  # fmt: skip
    return t


def _transfer_for_answer(transfer: Transfer) -> Transfer:
    t = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("person", "from_org", "to_org", "application")
        .get(pk=transfer.pk)
    )
    if t.status != TransferStatus.PENDING:
        raise ApplicationError(
            _("该接转已处理（%(s)s）。") % {"s": t.get_status_display()}, code="transfer_state"
        )
    return t


def _membership_transfer_out(
    *, user: Any, membership: Membership, person: Person, on: dt.date, reason: str, from_org: Org, to_org: Org, note: str = "",
) -> None:  # fmt: skip
    """The sending side of a transfer: the (locked) membership ends as 转出, counted out."""
    _count_out(membership, person, has_card=has_valid_card(membership.person_id))
    membership.status = MembershipStatus.TRANSFERRED
    membership.ended_on = max(on, membership.joined_on)
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    _event(membership=membership, type=EventType.TRANSFER_OUT, reason=reason, on=membership.ended_on, user=user,
           from_org=from_org, to_org=to_org, note=note)  # fmt: skip


@transaction.atomic
def transfer_accept(
    *, user: Any, transfer: Transfer, on: dt.date | None = None, note: str = ""
) -> Membership:
    """The answering side accepts: the old membership ends as 转出 on the sending side, a new one
    opens with the receiving union's next 会员编号 as 转入; both histories keep the other side."""
    t = _transfer_for_answer(transfer)
    on = _check_date(on or timezone.localdate(), "on")
    old = Membership.objects.select_for_update().get(pk=t.from_membership_id)
    if old.status not in CURRENT_STATUSES:
        raise ApplicationError(_("转出方会籍已终止，接转无法完成。"), code="membership_state")
    _check_base_org(t.to_org)
    _membership_transfer_out(
        user=user,
        membership=old,
        person=t.person,
        on=on,
        reason=t.reason,
        from_org=t.from_org,
        to_org=t.to_org,
        note=note,
    )
    assert old.ended_on is not None  # just set by _membership_transfer_out
    form_no = cast(Application, t.application).form_no if t.application_id else old.form_no
    new = _membership_open(user=user, person=t.person, org=t.to_org, joined_on=old.ended_on, channel=Channel.TRANSFER,
                           form_no=form_no, event_type=EventType.TRANSFER_IN, reason=t.reason, from_org=t.from_org, note=note)  # fmt: skip
    if t.new_employer_id or t.new_employer_name:
        Person.objects.filter(pk=t.person_id).update(
            employer_id=t.new_employer_id, employer_name=t.new_employer_name, updated_at=timezone.now()
        )
    t.status = TransferStatus.ACCEPTED
    t.to_membership = new
    t.decided_by = _audit_user(user)
    t.decided_at = timezone.now()
    t.decision_note = (note or "")[:200]
    t.save(update_fields=["status", "to_membership", "decided_by", "decided_at", "decision_note"])
    if t.application_id and cast(Application, t.application).status in OPEN_APPLICATION_STATUSES:
        Application.objects.filter(pk=t.application_id).update(
            status=ApplicationStatus.APPROVED, membership=new, reviewed_by=_audit_user(user), reviewed_at=timezone.now(),
            reason=_("经会员关系接转转入"), updated_at=timezone.now(),
        )  # fmt: skip
    for path in {t.from_path, t.to_path}:
        audit_record(user=_audit_user(user), action="transfer.accept", obj=t, org_path=path,
                     changes={"from": old.member_no, "to": new.member_no})  # fmt: skip
    return new


def _transfer_close(*, user: Any, transfer: Transfer, status: str, note: str, action: str) -> Transfer:
    t = _transfer_for_answer(transfer)
    t.status = status
    t.decided_by = _audit_user(user)
    t.decided_at = timezone.now()
    t.decision_note = (note or "")[:200]
    t.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    for path in {t.from_path, t.to_path}:
        audit_record(
            user=_audit_user(user), action=action, obj=t, org_path=path, changes={"note": t.decision_note}
        )
    return t


@transaction.atomic
def transfer_reject(*, user: Any, transfer: Transfer, note: str) -> Transfer:
    """The answering side declines, with a reason both sides see."""
    if not (note or "").strip():
        raise ApplicationError(_("请填写拒绝原因。"), code="reason_required", details={"field": "note"})
    return _transfer_close(
        user=user, transfer=transfer, status=TransferStatus.REJECTED, note=note, action="transfer.reject"
    )


@transaction.atomic
def transfer_cancel(*, user: Any, transfer: Transfer, note: str = "") -> Transfer:
    """The starting side withdraws a transfer that is still pending."""
    return _transfer_close(
        user=user, transfer=transfer, status=TransferStatus.CANCELLED, note=note, action="transfer.cancel"
    )


# --------------------------------------------------------------------------- formation


@transaction.atomic
def founder_register(
    *, user: Any, org: Org, name: str, id_cipher: str, employer: Employer | None, joined_on: dt.date, note: str,
) -> Membership:  # fmt: skip
    """A founding member on an approved formation's roster (组建“有名册”, seed 004) joins the new
    union on its founding date with its next 会员编号 (实名制: every member by real name). Someone not
    yet on the register is created from the ID number; a member of another union moves here as
    转出/转入, the union of their workplace now being this one. Refused — the caller rolls the whole
    approval back — when the person is under 16 then, is registered under another name, holds
    保留会籍 (章程 art. 7: no longer working), has a transfer pending, or is a member here already."""
    _check_base_org(org)
    joined_on = _check_date(joined_on, "founded_on")
    info = parse_id(pii.decrypt(id_cipher, context=ID_CONTEXT))  # the number lives in memory only
    _check_age(info.birth_date, joined_on)
    name = _clean_name(name)
    person, created = _person_get_or_create(
        org=org, data={"name": name, **_pii_columns(info, ""), **_employer_fields(employer, "")}
    )
    old = None
    if not created:
        if "".join(person.name.split()) != "".join(name.split()):
            raise ApplicationError(
                _("姓名“%(n)s”与会员库中该身份证号的登记姓名不一致。") % {"n": name}, code="name_mismatch"
            )
        old = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("org")
            .filter(person=person, status__in=CURRENT_STATUSES)
            .first()
        )
        if old is not None and old.org_id == org.pk:
            raise already_member_error(user, old, org=org)
        if old is not None and old.status != MembershipStatus.ACTIVE:
            seen = getattr(user, "is_authenticated", False) and access.in_scope(user, old.org_path)
            raise ApplicationError(_("该会员在%(org)s保留会籍（已不在岗），不能随建会转入；如已重新就业，请先恢复会籍。") % {
                "org": old.org.name if seen else mask_org_name(old.org.name)}, code="membership_state")  # fmt: skip
        if (
            old is not None
            and Transfer.objects.filter(from_membership=old, status=TransferStatus.PENDING).exists()
        ):
            raise ConflictError(
                _("该会员有一项待确认的会员关系接转，请先办结或撤回。"), code="transfer_pending"
            )
        if employer is not None and person.employer_id != employer.pk:
            person.employer, person.employer_name = employer, employer.name
            person.save(update_fields=["employer", "employer_name", "updated_at"])
    if old is None:
        m = _membership_open(user=user, person=person, org=org, joined_on=joined_on, channel=Channel.FORMATION, form_no="",
                             event_type=EventType.JOIN, reason=Reason.APPLY, note=note)  # fmt: skip
        audit_record(user=_audit_user(user), action="membership.create", obj=m, org_path=m.org_path,
                     object_repr=f"{person.name} {m.member_no}", changes={"channel": m.channel, "note": note})  # fmt: skip
        return m
    _membership_transfer_out(
        user=user,
        membership=old,
        person=person,
        on=joined_on,
        reason=Reason.FORMATION,
        from_org=old.org,
        to_org=org,
        note=note,
    )
    m = _membership_open(user=user, person=person, org=org, joined_on=old.ended_on or joined_on, channel=Channel.FORMATION,
                         form_no=old.form_no, event_type=EventType.TRANSFER_IN, reason=Reason.FORMATION, from_org=old.org, note=note)  # fmt: skip
    for path in (old.org_path, m.org_path):
        audit_record(user=_audit_user(user), action="membership.formation_transfer", obj=m, org_path=path, object_repr=f"{person.name} {m.member_no}",
                     changes={"from": old.member_no, "to": m.member_no, "note": note})  # fmt: skip
    return m


# --------------------------------------------------------------------------- org hooks


def org_end_guard(org: Org) -> None:
    """orgs.actions.END_GUARDS: a union with current members cannot be dissolved."""
    n = Membership.objects.filter(org=org, status__in=CURRENT_STATUSES).count()
    if n:
        raise ApplicationError(
            _("“%(name)s”还有 %(n)d 名会员（含保留会籍），请先为他们办理接转。") % {"name": org.name, "n": n},
            code="has_members",
        )


def org_merge_hook(source: Org, target: Org) -> None:
    """orgs.actions.MERGE_HOOKS: members follow their union into the target (转出/转入, reason
    工会合并) with the target's next numbers; open applications and pending transfers follow too.
    Runs inside org_merge's transaction."""
    today = timezone.localdate()
    olds = list(
        Membership.objects.select_for_update()
        .select_related("person")
        .filter(org=source, status__in=CURRENT_STATUSES)
        .order_by("member_no")
    )
    if olds and target.is_base:
        counter = Counter.objects.select_for_update().filter(org=target, kind=Counter.MEMBER_NO).first()
        if counter is None:
            counter = Counter.objects.create(org=target, kind=Counter.MEMBER_NO, value=0)
            counter = Counter.objects.select_for_update().get(pk=counter.pk)
        start = counter.value
        counter.value = start + len(olds)
        counter.save(update_fields=["value"])
        Membership.objects.filter(pk__in=[m.pk for m in olds]).update(
            status=MembershipStatus.TRANSFERRED, ended_on=today, updated_at=timezone.now()
        )
        news = [
            Membership(person_id=m.person_id, org=target, org_path=target.path, province_code=target.province_code,
                       member_no=format_member_no(target, start + i + 1), form_no=m.form_no, joined_on=today,
                       status=m.status, channel=Channel.TRANSFER)
            for i, m in enumerate(olds)
        ]  # fmt: skip
        Membership.objects.bulk_create(news)
        news = list(
            Membership.objects.filter(org=target, member_no__in=[n.member_no for n in news]).order_by(
                "member_no"
            )
        )
        by_person = {n.person_id: n for n in news}
        events = []
        for m in olds:
            n = by_person[m.person_id]
            events.append(MembershipEvent(person_id=m.person_id, membership=m, org_path=m.org_path, type=EventType.TRANSFER_OUT,
                                          reason=Reason.UNION_MERGED, on=today, from_org=source, to_org=target))  # fmt: skip
            events.append(MembershipEvent(person_id=m.person_id, membership=n, org_path=n.org_path, type=EventType.TRANSFER_IN,
                                          reason=Reason.UNION_MERGED, on=today, from_org=source, to_org=target))  # fmt: skip
        MembershipEvent.objects.bulk_create(events)
        carded = set(
            Card.objects.filter(
                person_id__in=[m.person_id for m in olds], status=CardStatus.VALID
            ).values_list("person_id", flat=True)
        )
        moved: dict[str, dict[str, int]] = {source.path: {}, target.path: {}}
        for m in olds:
            deltas = (
                counters.member_deltas(m.person, has_card=m.person_id in carded)
                if m.status == MembershipStatus.ACTIVE
                else {"retained_members": 1}
            )
            for k, v in deltas.items():
                moved[source.path][k] = moved[source.path].get(k, 0) - v
                moved[target.path][k] = moved[target.path].get(k, 0) + v
        counters.bump_many(moved)
        for t in Transfer.objects.filter(from_membership__in=olds, status=TransferStatus.PENDING):
            n = by_person[t.person_id]
            Transfer.objects.filter(pk=t.pk).update(from_membership=n, from_org=target, from_path=target.path)
    Application.objects.filter(org=source, status__in=OPEN_APPLICATION_STATUSES).update(
        org=target, org_path=target.path
    )
    Transfer.objects.filter(to_org=source, status=TransferStatus.PENDING).update(
        to_org=target, to_path=target.path
    )
