"""The password hasher of the test run (tests/conftest.py installs it for the whole session)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at the lowest cost argon2 allows.

    Production hashes a password with Django's Argon2PasswordHasher (about 0.1 s and 100 MiB each);
    the `tree` fixture sets eight passwords for every test, which cost about a second per test, a
    third of the suite's time. A hash made here is an ordinary argon2id hash that carries its own
    parameters, so production's hasher verifies it too (a server in another process, a login that
    upgrades the hash). tests/accounts/test_auth.py checks production's hasher and cost.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1
