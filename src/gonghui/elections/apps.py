from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "gonghui.elections"
    label = "elections"
    verbose_name = "组建与换届选举"

    def ready(self) -> None:
        # Scope columns follow a subtree move (orgs/actions.py hook).
        from gonghui.elections.models import Document, Election, Formation, Notification, TermRequest
        from gonghui.orgs import actions as org_actions

        for entry in ((Formation, "org_path"), (Document, "org_path"), (TermRequest, "org_path"),
                      (Election, "org_path"), (Notification, "org_path")):  # fmt: skip
            if entry not in org_actions.DENORMALISED_PATHS:
                org_actions.DENORMALISED_PATHS.append(entry)
