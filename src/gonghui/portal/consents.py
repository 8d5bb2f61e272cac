"""The consent texts a member agrees to, by version (个人信息保护法 arts. 14, 15, 17).

`register` is the join application's own consent (members/public.py CONSENT_ITEMS, stored with the
application): required for membership, so it cannot be withdrawn here — leaving the union ends it.
The others are optional and may be withdrawn at any time, as easily as they were given (art. 15).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REGISTER = "register"
OPTIONAL: dict[str, tuple[str, object, object]] = {
    # item: (version, title, text)
    "sms_notices": (
        "2026-12",
        _("接收工会活动短信"),
        _("工会可以用您的手机号发送活动、培训、帮扶政策的短信通知。不同意不影响会籍和任何服务。"),
    ),
    "service_contact": (
        "2026-12",
        _("工会服务回访"),
        _("办理帮扶、助学后，工会工作人员可以电话回访了解您的情况。不同意不影响会籍和任何服务。"),
    ),
}
