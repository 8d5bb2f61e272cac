from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = "会员"

    def ready(self) -> None:
        # Plug the register into the org tree's restructuring (orgs/actions.py hooks).
        from gonghui.members import actions
        from gonghui.members.models import Application, CardBatch, Membership, MembershipEvent, Transfer
        from gonghui.orgs import actions as org_actions

        for entry in (
            (Membership, "org_path"),
            (MembershipEvent, "org_path"),
            (Application, "org_path"),
            (CardBatch, "org_path"),
            (Transfer, "from_path"),
            (Transfer, "to_path"),
        ):
            if entry not in org_actions.DENORMALISED_PATHS:
                org_actions.DENORMALISED_PATHS.append(entry)
        if actions.org_end_guard not in org_actions.END_GUARDS:
            org_actions.END_GUARDS.append(actions.org_end_guard)
        if actions.org_merge_hook not in org_actions.MERGE_HOOKS:
            org_actions.MERGE_HOOKS.append(actions.org_merge_hook)
