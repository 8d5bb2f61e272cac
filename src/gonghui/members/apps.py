from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = "会员"

    def ready(self) -> None:
        # Plug the register into the org tree's restructuring (orgs/actions.py hooks); subtree
        # moves find the OrgPathField columns themselves (core/fields.py).
        from gonghui.core import extensions
        from gonghui.members import actions, names, roll
        from gonghui.orgs import actions as org_actions

        extensions.counter_check(names.verify, names.rebuild)  # Membership.name = its person's name
        extensions.counter_check(roll.verify, roll.rebuild)  # a union's roll = its current members

        if actions.org_end_guard not in org_actions.END_GUARDS:
            org_actions.END_GUARDS.append(actions.org_end_guard)
        if actions.org_merge_hook not in org_actions.MERGE_HOOKS:
            org_actions.MERGE_HOOKS.append(actions.org_merge_hook)
