"""``python -m flake8_dask.server`` with test-only rules registered, for the reliability
tests of the language server (tests/test_server_reliability.py): DSK998 raises inside its
check on ``x.explode_in_rule()`` (the analysis must become one DSK000 diagnostic and the
server keep serving), and tests/fixable_rules.py's rules, among them DSK995 whose fix raises.
Usage: python tests/run_server_with_test_rules.py [server arguments]"""
import ast
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixable_rules  # noqa: E402
from flake8_dask.rules import Rule  # noqa: E402


class CrashingCheck(Rule):
    __doc__ = fixable_rules._DOC.format(summary="`x.explode_in_rule()`: the check raises.")
    code = "DSK998"
    name = "test-crashing-check"
    node_types = (ast.Call,)

    def check(self, node):
        if fixable_rules._method_call(node, "explode_in_rule"):
            raise RuntimeError("a bug in a rule")
        return ()


fixable_rules.register([*fixable_rules.TEST_RULES, CrashingCheck])

from flake8_dask.server import main  # noqa: E402

sys.argv[0] = "python -m flake8_dask.server"
raise SystemExit(main())
