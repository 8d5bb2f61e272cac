"""The password backend: Django's, with the account's org fetched in the same query (issue 19).

Every page reads the user's org (scope, menu, header), so `get_user` — run once per request from
the session — joins it rather than leaving a second query to the first `user.org`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("org").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
