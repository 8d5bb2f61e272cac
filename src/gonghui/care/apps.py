from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gonghui.care"
    label = "care"
    verbose_name = "服务职工"

    def ready(self) -> None:
        # Plug the care tables into the org tree's merges (orgs/actions.py hook); subtree moves
        # find the OrgPathField columns themselves (core/fields.py).
        from gonghui.care import actions
        from gonghui.orgs import actions as org_actions

        if actions.org_merge_hook not in org_actions.MERGE_HOOKS:
            org_actions.MERGE_HOOKS.append(actions.org_merge_hook)
