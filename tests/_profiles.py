"""Hypothesis settings profiles, chosen with the environment variable HYPOTHESIS_PROFILE.

- ``dev`` (the default): 50 examples per property, for the quick loop while editing.
- ``ci``: 2,000 examples per property, the number CI runs (``.ci/run`` sets it, and so does
  the README's test command).
- ``long``: 20,000 examples per property, for a long local run (hours).

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

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(PROFILE)
