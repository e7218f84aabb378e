"""DSK505's option ``dask-max-chunk-bytes``: the limit in the model, in a ``[flake8]``
configuration read by the fix command, and on its command line; and Dask's byte sizes."""
import textwrap

import pytest

from conftest import analyze_source
from flake8_dask.options import OPTION_HELP, Options, OptionValueError
from flake8_dask.rules import RULES_BY_CODE
from flake8_dask.rules.arrays.dsk505_oversized_chunks import parse_bytes

# 20 000 x 10 000 float64 elements: 1.49 GiB blocks; a 1.5 GB CSV block
SOURCE = textwrap.dedent("""\
    import dask.array as da
    import dask.dataframe as dd
    x = da.ones((20_000, 20_000), chunks=(20_000, 10_000))
    df = dd.read_csv("data/*.csv", blocksize="1.5GB")
""")


def lines(source=SOURCE, **options):
    found = analyze_source(source, options=Options(**options), rules=[RULES_BY_CODE["DSK505"]])
    assert not [f for f in found if f.code == "DSK000"], found
    return [f.line for f in found]


def test_the_limit_comes_from_the_option():
    assert Options().max_chunk_bytes == 2 ** 30
    assert lines() == [3, 4]
    assert lines(max_chunk_bytes=2 * 2 ** 30) == []
    assert lines(max_chunk_bytes=1_500_000_000) == [3]  # the CSV block is not above it
    assert lines(max_chunk_bytes=256 * 2 ** 20) == [3, 4]


def test_the_option_reads_whole_numbers_from_flake8_config():
    assert "max_chunk_bytes" in OPTION_HELP
    for raw, want in (("1073741824", 2 ** 30), ("2147483648", 2 ** 31), ("2e9", 2 * 10 ** 9),
                      ("268_435_456", 2 ** 28)):
        assert Options.from_mapping({"dask_max_chunk_bytes": raw}).max_chunk_bytes == want
    with pytest.raises(OptionValueError):
        Options.from_mapping({"dask_max_chunk_bytes": "many"})


def test_the_fix_command_reads_the_option_from_config_and_command_line(tmp_path, cli):
    (tmp_path / "a.py").write_text(SOURCE)
    code, out, _ = cli("--isolated", "--check", "--select", "DSK505", "a.py", cwd=tmp_path)
    assert code == 1 and out.count("DSK505") == 2, out
    (tmp_path / "setup.cfg").write_text("[flake8]\ndask-max-chunk-bytes = 2147483648\n")
    code, out, _ = cli("--check", "--select", "DSK505", "a.py", cwd=tmp_path)
    assert code == 0 and "DSK505" not in out, out
    code, out, _ = cli("--isolated", "--dask-max-chunk-bytes=1500000000", "--check",
                       "--select", "DSK505", "a.py", cwd=tmp_path)
    assert code == 1 and out.count("DSK505") == 1 and "a.py:3:" in out, out


@pytest.mark.parametrize("text", ["8GB", "256MiB", "256 MiB", "1.5 GB", "100", "1e9", "5kB",
                                  "1kiB", "1e6 kB", "MB", "2G", "2Gi", "64mb", " 3 TB ", ""])
def test_sizes_are_parsed_as_dask_parses_them(text):
    dask_parse_bytes = pytest.importorskip("dask.utils").parse_bytes

    assert parse_bytes(text) == dask_parse_bytes(text)


@pytest.mark.parametrize("text", ["5 foos", "auto", "default", "1..2GB", "GB5", "nan", "1e400GB"])
def test_sizes_dask_rejects_are_unknown(text):
    assert parse_bytes(text) is None  # Dask raises, or (1e400) makes an infinite size
