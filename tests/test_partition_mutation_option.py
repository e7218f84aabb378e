"""DSK207's opt-in part: changes of the partition/block/element a per-chunk function gets."""
import re

from conftest import FIXTURES, analyze_source, expected_findings
from flake8_dask.options import Options
from flake8_dask.rules import DEFAULT_OFF

_OPT_IN = re.compile(r"#\s*opt-in\s+(DSK207)\b")


def test_partition_mutation_is_reported_only_when_selected():
    source = (FIXTURES / "dsk207_task_mutates_input.py").read_text(encoding="utf-8")
    opt_in = {(n, "DSK207") for n, line in enumerate(source.splitlines(), 1)
              if _OPT_IN.search(line)}
    assert opt_in
    default = {(f.line, f.code) for f in analyze_source(source)}
    assert not opt_in & default
    selected = {(f.line, f.code)
                for f in analyze_source(source, options=Options(report_partition_mutation=True))
                if f.code not in DEFAULT_OFF}  # opt-in rules are checked in their own fixture
    assert selected == expected_findings(source) | opt_in


def test_the_option_reads_flake8_config_values():
    assert Options.from_mapping({}).report_partition_mutation is False
    for raw, want in (("true", True), ("1", True), ("False", False), ("no", False)):
        options = Options.from_mapping({"dask_report_partition_mutation": raw})
        assert options.report_partition_mutation is want
