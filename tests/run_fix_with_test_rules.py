"""``python -m flake8_dask.fix`` with the test-only fixable rules (tests/fixable_rules.py)
registered: end-to-end tests of fixing before, and independently of, the real rules' fixes.
Usage: python tests/run_fix_with_test_rules.py [fix command arguments]
(FLAKE8_DASK_TEST_RULES=all also registers the deliberately broken ones)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixable_rules  # noqa: E402

fixable_rules.register(fixable_rules.TEST_RULES
                       if os.environ.get("FLAKE8_DASK_TEST_RULES") == "all"
                       else fixable_rules.GOOD_RULES)
sys.argv[0] = "python -m flake8_dask.fix"
runpy.run_module("flake8_dask.fix", run_name="__main__", alter_sys=True)
