from django.apps import AppConfig


class WorklifeConfig(AppConfig):
    name = "gonghui.worklife"
    label = "worklife"
    verbose_name = "工会工作"
