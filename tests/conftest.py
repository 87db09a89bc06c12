"""Shared test configuration: the Hypothesis profiles (``ci`` unless HYPOTHESIS_PROFILE says)."""

from __future__ import annotations

import os

from hypothesis import settings
from strategies import PROFILES

for _name, _values in PROFILES.items():
    settings.register_profile(_name, **_values)

# CI (and a plain local run) uses the quick profile; HYPOTHESIS_PROFILE=dev searches harder.
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "ci"))
