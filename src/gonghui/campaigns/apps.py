from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "gonghui.campaigns"
    label = "campaigns"
    verbose_name = "集中行动"
    # A subtree move rewrites the copied paths (OrgPathField columns, found by core/fields.py).
