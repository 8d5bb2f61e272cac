from django.apps import AppConfig


class WorklifeConfig(AppConfig):
    name = "gonghui.worklife"
    label = "worklife"
    verbose_name = "工会工作"

    def ready(self) -> None:
        from gonghui.core import extensions
        from gonghui.worklife import counters, hooks, stats

        hooks.listen(counters.on_change)
        extensions.counter_check(counters.verify, counters.rebuild)
        stats.register()
        # the idle list's and reminders' API routes join the worklife router (gonghui.api mounts it)
        from gonghui.worklife import api_idle  # noqa: F401
