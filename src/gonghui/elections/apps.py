from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "gonghui.elections"
    label = "elections"
    verbose_name = "组建与换届选举"
