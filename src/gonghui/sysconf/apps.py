from django.apps import AppConfig


class SysconfConfig(AppConfig):
    name = "gonghui.sysconf"
    label = "sysconf"
    verbose_name = "系统设置"
