"""Quotes left open, line ends and rows of the wrong width in the files a CRM exports,
read by the SQL source through a real workspace (``okrdesk collect`` and ``validate``):
each refused at its file:row, in the file's own encoding, and no false alarm on what
Excel writes (a note over lines, a doubled quote, 5" monitor)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace
from test_sql_exports import _collect, _one_line, _stored, _workspace

HEADER = "cm,day,amount,note"


def _validated(root: object) -> tuple[int, str]:
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert "Traceback" not in done.output
    return done.exit_code, done.output


@pytest.mark.parametrize(
    ("rows", "row"),
    [
        # one left open: an odd count, the rest of the file read into its cell
        (['cm01,2026-03-05,100,"called', "cm02,2026-03-06,200,x", "cm01,2026-03-07,5,y"], 2),
        # two left open, closing each other: the second has its cell's rest after it
        (
            [
                'cm01,2026-03-05,100,"called',
                "cm02,2026-03-06,200,x",
                'cm01,2026-03-07,5,"visited',
                "cm02,2026-03-08,7,z",
            ],
            2,
        ),
        # two left open, the second ending its line: a cell holding rows, no error to read
        (
            [
                "cm01,2026-03-05,1,a",
                'cm01,2026-03-06,100,"called',
                "cm02,2026-03-06,200,x",
                'cm01,2026-03-07,5,"',
                "cm02,2026-03-08,7,z",
            ],
            3,
        ),
        # the same, the rows read into the cell written otherwise than its own (200.5, two
        # words), as rows are: most of their cells alike is a row
        (
            [
                "cm01,2026-03-05,1,a",
                'cm01,2026-03-06,100,"called',
                "cm02,2026-03-06,200.5,visited twice",
                'cm01,2026-03-07,5,"',
                "cm02,2026-03-08,7,z",
            ],
            3,
        ),
        # opened in a number cell, closed at a quote inside a later row's cell
        (
            [
                'cm01,2026-03-05,"100,a',
                "cm02,2026-03-06,200,x",
                'cm01,2026-03-07,5,5" tv',
                "cm02,2026-03-08,7,z",
            ],
            2,
        ),
        # four left open: the first is named
        (
            [
                'cm01,2026-03-05,100,"a',
                'cm02,2026-03-06,200,"b',
                'cm01,2026-03-07,5,"c',
                'cm02,2026-03-08,7,"d',
                "cm02,2026-03-09,8,e",
            ],
            2,
        ),
    ],
)
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_quote_left_open_is_refused_at_its_row_however_many_there_are(
    write_workspace: WriteWorkspace, rows: list[str], row: int, ending: str
) -> None:
    data = ending.join([HEADER, *rows]) + ending
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 1, output
    assert f"crm.csv:{row}: a quote opened in this row is never closed" in _one_line(output)
    assert _stored(root) == {}
    code, output = _validated(root)
    assert code == 2, output
    assert f"crm.csv:{row}: a quote opened in this row is never closed" in _one_line(output)


@pytest.mark.parametrize(
    ("rows", "figures"),
    [
        # a note over lines, as Excel writes one: \n inside a file of \r\n
        (
            ['cm01,2026-03-05,100,"called\nnot in\ncall back, Monday"', "cm02,2026-03-06,200,x"],
            {"cm01": 100.0, "cm02": 200.0},
        ),
        # doubled quotes, as Excel writes a quote inside a quoted cell
        (
            [
                'cm01,2026-03-05,100,"5"" monitor"',
                'cm02,2026-03-06,"1,200",""""',
                'cm02,2026-03-07,3,"say ""hi"", then go"',
            ],
            {"cm01": 100.0, "cm02": 1203.0},
        ),
        # a quote inside an unquoted cell, an odd count of them
        (
            [
                'cm01,2026-03-05,100,5" monitor',
                'cm02,2026-03-06,200,27" screen',
                'cm02,2026-03-07,3,a 5" b',
            ],
            {"cm01": 100.0, "cm02": 203.0},
        ),
        # a note over lines holding a comma or two, short of a row
        (
            ['cm01,2026-03-05,100,"深圳,福田\n电话回访"', 'cm02,2026-03-06,200,"a\n,,,\nb"'],
            {"cm01": 100.0, "cm02": 200.0},
        ),
        # a note over lines each holding a row's worth of commas (addresses), unlike a row
        (
            [
                'cm01,2026-03-05,100,"广东省,深圳市,福田区,益田路\n广东省,广州市,天河区,体育西路"',
                'cm02,2026-03-06,200,"call back,Monday,9:30,office\nthen,mail,the,brochure"',
            ],
            {"cm01": 100.0, "cm02": 200.0},
        ),
    ],
)
def test_quotes_excel_writes_are_read_as_cells(
    write_workspace: WriteWorkspace, rows: list[str], figures: dict[str, float]
) -> None:
    data = "\r\n".join([HEADER, *rows]) + "\r\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 0, output
    assert "warning" not in output
    assert _stored(root) == {(cm, "2026-W10"): value for cm, value in figures.items()}


@pytest.mark.parametrize("first", ["\r\n", "\n"])
def test_line_ends_mixed_are_named_at_the_first_row_ended_otherwise_not_inside_a_note(
    write_workspace: WriteWorkspace, first: str
) -> None:
    """A note's line breaks are \\n in a file of \\r\\n rows: they end no row, and the
    row ended otherwise is the one named."""
    other = "\n" if first == "\r\n" else "\r\n"
    shown = {"\n": "\\n", "\r\n": "\\r\\n"}
    data = (
        HEADER
        + first
        + 'cm01,2026-03-05,100,"called\nagain"'
        + first
        + "cm02,2026-03-06,200,x"
        + first
        + "cm02,2026-03-07,3,y"
        + other
        + "cm01,2026-03-08,4,z"
        + first
    )
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 1, output
    assert (
        f"crm.csv:5: this line ends in {shown[other]} and the first line in {shown[first]}"
        in _one_line(output)
    )
    code, output = _validated(root)
    assert code == 2, output
    assert "crm.csv:5: this line ends in" in _one_line(output)


def test_a_file_of_crlf_rows_with_notes_over_lines_reads(write_workspace: WriteWorkspace) -> None:
    rows = [f'cm0{1 + n % 2},2026-03-0{2 + n},{n + 1},"line\nline\nline"' for n in range(6)]
    root = _workspace(write_workspace, "\r\n".join([HEADER, *rows]) + "\r\n")
    code, output = _collect(root)
    assert code == 0, output
    assert _stored(root) == {("cm01", "2026-W10"): 9.0, ("cm02", "2026-W10"): 12.0}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8"])
@pytest.mark.parametrize("named", [True, False])
def test_a_row_of_the_wrong_width_is_named_in_the_files_own_encoding(
    write_workspace: WriteWorkspace, encoding: str, named: bool
) -> None:
    """A ragged row is named at its row whatever the file's encoding, with the table's
    columns named in the settings (DuckDB's sniffer then gives up on the file) or read
    from its header."""
    data = "客户,日期,金额\ncm01,2026-03-05,100\ncm02,2026-03-06,200,9\ncm01,2026-03-07,3\n"
    table = f'encoding = "{encoding}"'
    if named:
        table += '\ncolumns = ["cm", "day", "amount"]\nskip = 1\nheader = false'
    else:
        data = data.replace("客户,日期,金额", "cm,day,amount")
    root = _workspace(write_workspace, data.encode(encoding), table=table)
    code, output = _collect(root)
    assert code == 1, output
    assert "crm.csv:3: this row has 4 cells" in _one_line(output)
    code, output = _validated(root)
    assert code == 2, output
    assert "crm.csv:3: this row has 4 cells" in _one_line(output)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_two_quotes_left_open_hiding_a_ragged_row_are_named_before_it(
    write_workspace: WriteWorkspace, delimiter: str
) -> None:
    """A row of more cells makes DuckDB read the file as one column; the quotes left open
    swallow that row into a cell, where a count of cells would not see it."""
    rows = [
        "cm,day,amount",
        'cm01,2026-03-05,"100',
        "cm02,2026-03-06,200,9",
        'cm01,2026-03-07,"5',
        "cm02,2026-03-08,7",
    ]
    data = "\n".join(row.replace(",", delimiter) for row in rows) + "\n"
    root = _workspace(write_workspace, data)
    code, output = _collect(root)
    assert code == 1, output
    assert "crm.csv:2: a quote opened in this row is never closed" in _one_line(output)
