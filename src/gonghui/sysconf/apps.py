from django.apps import AppConfig


class SysconfConfig(AppConfig):
    name = "gonghui.sysconf"
    label = "sysconf"
    verbose_name = "系统设置"

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.db.backends.signals import connection_created

        from gonghui.sysconf.store import on_first_connection, on_request_started

        request_started.connect(on_request_started, dispatch_uid="gonghui.sysconf.apply")
        connection_created.connect(on_first_connection, dispatch_uid="gonghui.sysconf.first_connection")
