from __future__ import annotations

from django.urls import path

from gonghui.care import views, views_aid, views_training

app_name = "care"
urlpatterns = [
    path("care/", views.index, name="index"),
    # hardship files (困难职工档案): Perm.CARE_FILES, every view audited
    path("care/files/", views.file_list, name="files"),
    path("care/files/new/", views.file_open, name="file_open"),
    path("care/files/export.xlsx", views.file_export, name="file_export"),
    path("care/files/<int:file_id>/", views.file_detail, name="file_detail"),
    path("care/files/<int:file_id>/edit/", views.file_edit, name="file_edit"),
    path("care/files/<int:file_id>/review/", views.file_review, name="file_review"),
    path("care/files/<int:file_id>/documents/", views.document_upload, name="document_upload"),
    path("care/files/<int:file_id>/aid/", views.file_aid, name="file_aid"),
    path("care/documents/<int:doc_id>/", views.document_download, name="document"),
    # aid records and rounds (送温暖, 金秋助学 …)
    path("care/aid/", views_aid.aid_list, name="aid"),
    path("care/aid/new/", views_aid.aid_new, name="aid_new"),
    path("care/programmes/", views_aid.programme_list, name="programmes"),
    path("care/programmes/new/", views_aid.programme_new, name="programme_new"),
    path("care/programmes/<int:programme_id>/", views_aid.programme_detail, name="programme_detail"),
    path(
        "care/programmes/<int:programme_id>/eligible/",
        views_aid.programme_eligible,
        name="programme_eligible",
    ),
    path(
        "care/programmes/<int:programme_id>/entries/", views_aid.programme_entries, name="programme_entries"
    ),
    path("care/programmes/<int:programme_id>/close/", views_aid.programme_close, name="programme_close"),
    path("care/programmes/<int:programme_id>/list.xlsx", views_aid.programme_export, name="programme_export"),
    # skills training
    path("care/training/", views_training.course_list, name="courses"),
    path("care/training/new/", views_training.course_new, name="course_new"),
    path("care/training/<int:course_id>/", views_training.course_detail, name="course_detail"),
    path("care/training/<int:course_id>/edit/", views_training.course_edit, name="course_edit"),
    path("care/training/<int:course_id>/trainees/", views_training.course_trainees, name="course_trainees"),
    path("care/training/<int:course_id>/progress/", views_training.course_progress, name="course_progress"),
    path("care/training/<int:course_id>/trainees.xlsx", views_training.course_export, name="course_export"),
    # model workers (劳模)
    path("care/model-workers/", views_training.title_list, name="models"),
    path("care/model-workers/new/", views_training.title_new, name="title_new"),
    path("care/model-workers/<int:title_id>/", views_training.title_detail, name="title_detail"),
    path("care/model-workers/<int:title_id>/care/", views_training.title_care, name="title_care"),
    # reports of a subtree
    path("care/report/<str:code>/", views.report, name="report"),
    path("care/report/<str:code>/report.xlsx", views.report_export, name="report_export"),
]
