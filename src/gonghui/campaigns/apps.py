from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "gonghui.campaigns"
    label = "campaigns"
    verbose_name = "集中行动"
    # A subtree move rewrites the copied paths (OrgPathField columns, found by core/fields.py).

    def ready(self) -> None:
        from gonghui.campaigns import daycount
        from gonghui.core import extensions

        # the per-day event counter (issue 19): checked and rebuilt by `gonghui stats`, its
        # subtree totals moved with a subtree
        extensions.counter_check(daycount.verify, daycount.rebuild)
        extensions.subtree_moved(daycount.on_subtree_moved)
