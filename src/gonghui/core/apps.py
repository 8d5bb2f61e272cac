from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gonghui.core import citus

        post_migrate.connect(citus.post_migrate, dispatch_uid="gonghui.core.citus")
