from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gonghui.reports"
    label = "reports"
    verbose_name = "统计"

    def ready(self) -> None:
        from gonghui.orgs.actions import DENORMALISED_PATHS
        from gonghui.reports.models import OrgCounter

        DENORMALISED_PATHS.append((OrgCounter, "path"))
