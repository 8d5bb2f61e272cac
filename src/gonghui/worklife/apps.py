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
        extensions.subtree_moved(counters.on_subtree_moved)
        stats.register()
        # the idle list's and reminders' API routes join the worklife router where it is defined
        # (worklife/api.py imports api_idle), not here: a command that never serves the API (an
        # import, the worker) then skips ninja's schema building, ~0.4 s of CPU (issue 19)
