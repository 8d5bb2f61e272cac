from django.apps import AppConfig


class SysconfConfig(AppConfig):
    name = "gonghui.sysconf"
    label = "sysconf"
    verbose_name = "系统设置"

    def ready(self) -> None:
        from django.core.signals import request_started

        from gonghui.sysconf.store import on_request_started

        request_started.connect(on_request_started, dispatch_uid="gonghui.sysconf.apply")
