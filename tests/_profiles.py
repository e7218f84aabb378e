"""Hypothesis settings profiles, chosen with the environment variable HYPOTHESIS_PROFILE.

- ``ci`` (the default): 2,000 examples per property, the number CI runs.
- ``long``: 20,000 examples per property, for a long local run (hours).
- ``dev``: 50 examples per property, for a quick local check while editing.

Imported by ``tests/conftest.py`` so that the profile is loaded before any test module
builds its ``@settings``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,  # generated programs vary a lot in size: no per-example deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
    print_blob=True,  # a failure prints the @reproduce_failure blob
)

settings.register_profile("ci", max_examples=2_000, **_COMMON)
settings.register_profile("long", max_examples=20_000, **_COMMON)
settings.register_profile("dev", max_examples=50, **_COMMON)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
