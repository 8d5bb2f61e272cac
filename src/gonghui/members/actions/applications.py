"""Join applications (申请关, 档案关; seed 004; 中国工会章程 art. 2) and their review: create, correct,
approve (the person is registered with the union's next 会员编号), reject, return."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core import ids, pii
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members import sms
from gonghui.members.actions.common import (
    already_member_error,
    audit_user,
    format_form_no,
    membership_open,
    names_follow,
    next_number,
    person_get_or_create,
)
from gonghui.members.codes import EventType, Reason
from gonghui.members.identity import (
    CODED_FIELDS,
    PHONE_CONTEXT,
    check_age,
    check_base_org,
    check_date,
    clean_name,
    clean_person_fields,
    employer_fields,
    id_index,
    parse_id,
    parse_phone,
    phone_index,
    pii_columns,
)
from gonghui.members.models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    Channel,
    Counter,
    Membership,
    Person,
)  # fmt: skip
from gonghui.members.selectors import current_membership
from gonghui.orgs.models import Employer, Org


@transaction.atomic
def application_create(
    *, user: Any, org: Org, channel: str, name: str, id_number: str, phone: str = "", consent_version: str,
    consent_at: dt.datetime | None = None, phone_verified: bool = False, employer: Employer | None = None,
    workplace: str = "", defer_member_check: bool = False, **fields: Any,
) -> Application:  # fmt: skip
    """Record a join application (申请关) and give it its registration-form number (档案关).

    Refused when the person already holds a current membership (the message names the union, or
    masks it outside the user's scope, and points to a transfer) or has a pending application
    here; one returned for correction is replaced by the new one. With `defer_member_check` (the
    public page: no oracle) a current membership is not looked at here; the reviewer meets it at
    approval and tells the applicant.
    """
    check_base_org(org)
    if channel not in (Channel.PAPER, Channel.QR, Channel.ROSTER):
        raise ApplicationError(_("未知的申请渠道。"), code="channel")
    name = clean_name(name)
    info = parse_id(id_number)
    today = timezone.localdate()
    check_age(info.birth_date, today)
    phone = parse_phone(phone, required=channel == Channel.QR)
    person_fields = clean_person_fields({**fields, "employer_name": fields.get("employer_name", "")})
    index = id_index(info.number)
    if not defer_member_check and (existing := current_membership(index)) is not None:
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
        submitted_by=audit_user(user), **pii_columns(info, phone),
        **{**person_fields, **employer_fields(employer, person_fields["employer_name"])},
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
        user=audit_user(user), action="application.create", obj=app, org_path=app.org_path,
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
    app.name = clean_name(name)
    if id_number.strip():
        info = parse_id(id_number)
        check_age(info.birth_date, timezone.localdate())
        cols = pii_columns(info, "")
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
    for k, v in {**person_fields, **employer_fields(employer, person_fields["employer_name"])}.items():
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
    audit_record(user=audit_user(user), action="application.update", obj=app, org_path=app.org_path,
                 changes={"status": [before, app.status], "id": app.id_masked})  # fmt: skip
    return app


def _person_upsert(*, user: Any, org: Org, source: Application) -> Person:
    """The person for this ID number, created or refreshed from the application; refused if they
    hold a current membership (race-safe: the unique blind index decides who was first)."""
    data = {k: getattr(source, k) for k in (
        "name", "id_cipher", "id_index", "id_masked", "gender", "birth_date", "birthplace_code", "phone_cipher",
        "phone_index", "phone_masked", *CODED_FIELDS, "job", "employer_name", "is_model_worker", "is_migrant", "employer_id",
    )}  # fmt: skip
    person, created = person_get_or_create(org=org, data=data)
    if created:
        return person
    if (existing := current_membership(source.id_index)) is not None:
        raise already_member_error(user, existing, org=org)
    if person.name != data["name"]:
        names_follow(person.pk, data["name"])
    # a former member joins again: keep the person, refresh what they told us now
    if not data["phone_cipher"]:
        for k in ("phone_cipher", "phone_index", "phone_masked"):
            data.pop(k)
    flags = daycount.person_flags(person)
    for k, v in data.items():
        setattr(person, k, v)
    person.save()
    daycount.person_saving(person, flags)  # their earlier events, counted by campaigns
    return person


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
    check_base_org(app.org)
    joined_on = check_date(joined_on or timezone.localdate(), "joined_on")
    check_age(app.birth_date, joined_on)
    person = _person_upsert(user=user, org=app.org, source=app)
    m = membership_open(user=user, person=person, org=app.org, joined_on=joined_on, channel=app.channel,
                         form_no=app.form_no, event_type=EventType.JOIN, reason=Reason.APPLY)  # fmt: skip
    app.status = ApplicationStatus.APPROVED
    app.membership = m
    app.reviewed_by = audit_user(user)
    app.reviewed_at = timezone.now()
    app.reason = ""
    app.save(update_fields=["status", "membership", "reviewed_by", "reviewed_at", "reason", "updated_at"])
    audit_record(user=audit_user(user), action="application.approve", obj=app, org_path=app.org_path,
                 changes={"member_no": m.member_no, "membership": m.pk})  # fmt: skip
    audit_record(user=audit_user(user), action="membership.create", obj=m, org_path=m.org_path,
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
    app.reviewed_by = audit_user(user)
    app.reviewed_at = timezone.now()
    app.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        user=audit_user(user), action=action, obj=app, org_path=app.org_path, changes={"reason": app.reason}
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


def application_join_by_phone(
    *, org: Org, name: str, id_number: str, phone: str, sms_code: str, sms_required: bool, consent_version: str,
    employer: Employer | None = None, workplace: str = "", **fields: Any,
) -> Application:  # fmt: skip
    """扫码入会 (申请关 on the worker's own phone, seed 004): the whole public flow as one action.

    1. Everything typed is checked first (name, ID number, age, phone, coded fields), so a typo is
       refused before the SMS code is looked at and does not use it up (issue 12, finding 8).
    2. The SMS code is checked; a wrong one counts an attempt, and that count is kept.
    3. The application is recorded in the transaction that uses the code up: if it is refused
       (e.g. a pending application here under another phone), the code stays valid.
    No oracle (DESIGN.md "Public pages are no oracle"): whether the ID number belongs to a member
    is not looked at; the application waits for review like any other and the reviewer tells the
    applicant. A second submit from the same phone returns the applicant's own pending application.
    """
    check_base_org(org)
    clean_name(name)
    info = parse_id(id_number)
    check_age(info.birth_date, timezone.localdate())
    phone = parse_phone(phone, required=True)
    clean_person_fields({**fields, "employer_name": fields.get("employer_name", "")})
    with transaction.atomic():
        verified = not sms_required or sms.phone_verification_check(phone=phone, code=sms_code)
        if verified:
            own = Application.objects.filter(
                org=org, id_index=id_index(info.number), phone_index=phone_index(phone),
                status=ApplicationStatus.PENDING,
            ).first()  # fmt: skip
            if own is not None:
                return own
            return application_create(
                user=None, org=org, channel=Channel.QR, name=name, id_number=info.number, phone=phone,
                consent_version=consent_version, consent_at=timezone.now(), phone_verified=sms_required,
                employer=employer, workplace=workplace, defer_member_check=True, **fields,
            )  # fmt: skip
    raise ApplicationError(
        _("短信验证码不正确或已过期，请重新获取。"), code="sms_code", details={"field": "sms_code"}
    )
