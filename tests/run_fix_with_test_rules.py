"""``python -m flake8_dask.fix`` with the test-only fixable rules (tests/fixable_rules.py)
registered: end-to-end tests of fixing before, and independently of, the real rules' fixes.
Usage: python tests/run_fix_with_test_rules.py [fix command arguments]
(FLAKE8_DASK_TEST_RULES=all also registers the deliberately broken ones)."""
import multiprocessing
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixable_rules  # noqa: E402

fixable_rules.register(fixable_rules.TEST_RULES
                       if os.environ.get("FLAKE8_DASK_TEST_RULES") == "all"
                       else fixable_rules.GOOD_RULES)
if "fork" in multiprocessing.get_all_start_methods():
    # worker processes (-j) must inherit the registered test rules, not re-import the rules
    multiprocessing.set_start_method("fork", force=True)
sys.argv[0] = "python -m flake8_dask.fix"
runpy.run_module("flake8_dask.fix", run_name="__main__", alter_sys=True)
