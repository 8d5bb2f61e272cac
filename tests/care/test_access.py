"""Hardship files are seen only by the roles that need them, in scope, and every look is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.care import actions
from gonghui.core.access import ROLE_PERMS, Perm
from gonghui.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_care_files_right_is_for_admins_only() -> None:
    holders = {role for role, perms in ROLE_PERMS.items() if Perm.CARE_FILES in perms}
    assert holders == {"federation_admin", "union_admin"}


def test_a_clerk_of_another_union_sees_no_hardship_file(
    client: Any, tree: dict[str, Any], hardship: Any, api_token: Any
) -> None:
    f = hardship("T0006", name="西镇困难职工")  # 西镇丁公司工会
    views = AuditEntry.objects.filter(action__startswith="care.file")
    before = views.count()
    # a_clerk keeps the roster of 东镇甲公司工会: no right to files, and 西镇 is out of scope anyway
    client.force_login(tree["users"]["a_clerk"])
    for url in (
        f"/care/files/{f.pk}/",
        "/care/files/",
        f"/care/files/{f.pk}/review/",
        "/care/files/export.xlsx",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert "西镇困难职工" not in client.get("/care/").content.decode()
    assert client.get("/api/v1/care/files", **api_token("a_clerk")).status_code == 403
    assert client.get(f"/api/v1/care/files/{f.pk}", **api_token("a_clerk")).status_code in (403, 404)
    # the admin of the other township holds the right, but the file is not in 东镇's subtree: 404
    client.force_login(tree["users"]["east_admin"])
    assert client.get(f"/care/files/{f.pk}/").status_code == 404
    assert client.get(f"/api/v1/care/files/{f.pk}", **api_token("east_admin")).status_code == 404
    listing = client.get("/care/files/?status=all").content.decode()
    assert "西镇困难职工" not in listing
    api_list = client.get("/api/v1/care/files?status=all", **api_token("east_admin")).json()
    assert api_list["count"] == 0
    # nobody read the file: no view line was written for it
    assert not views.filter(action="care.file.view").exists()
    assert views.count() >= before


def test_same_union_clerk_reviewer_and_viewer_are_refused(
    client: Any, tree: dict[str, Any], hardship: Any
) -> None:
    f = hardship("T0003")
    for username in ("east_clerk", "east_reviewer", "east_viewer", "county_viewer"):
        client.force_login(tree["users"][username])
        assert client.get(f"/care/files/{f.pk}/").status_code == 403, username
        assert client.get("/care/programmes/").status_code == 403, username
        assert client.get("/care/aid/").status_code == 403, username
    # their overview shows no names, only counts
    client.force_login(tree["users"]["east_clerk"])
    page = client.get("/care/")
    assert page.status_code == 200 and f.person.name not in page.content.decode()


def test_viewing_a_file_is_audited(client: Any, tree: dict[str, Any], hardship: Any, api_token: Any) -> None:
    f = hardship("T0003", name="赵六")
    admin = tree["users"]["east_admin"]
    client.force_login(admin)
    resp = client.get(f"/care/files/{f.pk}/")
    assert resp.status_code == 200 and "赵六" in resp.content.decode()
    entry = AuditEntry.objects.get(action="care.file.view")
    assert (entry.user, entry.object_id, entry.org_path, entry.changes["via"]) == (
        admin,
        str(f.pk),
        f.org_path,
        "page",
    )
    assert client.get(f"/api/v1/care/files/{f.pk}", **api_token("east_admin")).status_code == 200
    assert AuditEntry.objects.filter(action="care.file.view", changes__via="api").count() == 1
    client.get("/care/files/")
    assert AuditEntry.objects.filter(action="care.file.list", user=admin).exists()
    # the county admin reading it is a second, separate line
    client.force_login(tree["users"]["county_admin"])
    client.get(f"/care/files/{f.pk}/")
    assert AuditEntry.objects.filter(action="care.file.view", object_id=str(f.pk)).count() == 3


def test_documents_are_served_only_through_the_gatekeeper(
    client: Any, tree: dict[str, Any], hardship: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    f = hardship("T0003")
    admin = tree["users"]["east_admin"]
    client.force_login(admin)
    bad = SimpleUploadedFile("病历.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    resp = client.post(f"/care/files/{f.pk}/documents/", {"kind": "medical", "upload": bad})
    assert resp.status_code == 200 and "PDF" in resp.content.decode()  # told by its bytes, not its name
    pdf = SimpleUploadedFile("病历.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    resp = client.post(f"/care/files/{f.pk}/documents/", {"kind": "medical", "upload": pdf, "note": "县医院"})
    assert resp.status_code == 302
    doc = f.documents.get()
    assert doc.stored.name.startswith("care/") and "病历" not in doc.stored.name  # random name on disk
    assert (tmp_path / doc.stored.name).read_bytes().startswith(b"%PDF")
    got = client.get(f"/care/documents/{doc.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="care.document.view", changes__document=doc.pk).exists()
    assert client.get(f"/media/{doc.stored.name}").status_code == 404  # no public URL
    client.force_login(tree["users"]["west_admin"])
    assert client.get(f"/care/documents/{doc.pk}/").status_code == 404
    client.force_login(tree["users"]["east_clerk"])
    assert client.get(f"/care/documents/{doc.pk}/").status_code == 403


def test_training_and_model_workers_are_read_with_view_and_written_by_clerks(
    client: Any, tree: dict[str, Any], member: Any
) -> None:
    c = actions.course_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0002"], title="焊工培训", trade="焊工",
                              starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 5), place="县城", provider="职校", cost="1000")  # fmt: skip
    client.force_login(tree["users"]["east_viewer"])
    assert client.get(f"/care/training/{c.pk}/").status_code == 200
    assert client.post(f"/care/training/{c.pk}/trainees/", {"members": "x"}).status_code == 403
    client.force_login(tree["users"]["west_admin"])
    assert client.get(f"/care/training/{c.pk}/").status_code == 404
    client.force_login(tree["users"]["east_clerk"])
    m = member("T0003", name="学员甲")
    resp = client.post(f"/care/training/{c.pk}/trainees/", {"members": f"{m.member_no}\n"})
    assert resp.status_code == 302 and c.trainees.count() == 1
