from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "gonghui.campaigns"
    label = "campaigns"
    verbose_name = "集中行动"

    def ready(self) -> None:
        # A subtree move rewrites the copied paths here too (orgs/actions.py hook).
        from gonghui.campaigns.models import Allocation, Campaign, SupervisionNote
        from gonghui.orgs import actions as org_actions

        for entry in ((Campaign, "org_path"), (Allocation, "org_path"), (SupervisionNote, "org_path")):
            if entry not in org_actions.DENORMALISED_PATHS:
                org_actions.DENORMALISED_PATHS.append(entry)
