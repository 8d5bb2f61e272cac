from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gonghui.care"
    label = "care"
    verbose_name = "服务职工"

    def ready(self) -> None:
        # Plug the care tables into the org tree's restructuring (orgs/actions.py hooks).
        from gonghui.care import actions
        from gonghui.care.models import (
            AidProgramme,
            Assistance,
            HardshipFile,
            ModelWorkerCare,
            ModelWorkerTitle,
            ProgrammeEntry,
            Trainee,
            TrainingCourse,
        )  # fmt: skip
        from gonghui.orgs import actions as org_actions

        for model in (
            HardshipFile,
            Assistance,
            AidProgramme,
            ProgrammeEntry,
            TrainingCourse,
            Trainee,
            ModelWorkerTitle,
            ModelWorkerCare,
        ):
            if (model, "org_path") not in org_actions.DENORMALISED_PATHS:
                org_actions.DENORMALISED_PATHS.append((model, "org_path"))
        if actions.org_merge_hook not in org_actions.MERGE_HOOKS:
            org_actions.MERGE_HOOKS.append(actions.org_merge_hook)
