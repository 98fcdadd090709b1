"""Loading a firm's plan: the shortcuts that make it cheap find every problem the
full reading finds."""

from __future__ import annotations

from okrdesk.targets.syntax import MAX_DEPTH, _may_hold_hazards, neutralise


def test_a_file_of_thousands_of_headers_needs_no_nesting_scan() -> None:
    org = "".join(f'[[people]]\nid = "p{n}"\nname = "P {n}"\nunit = "t1"\n\n' for n in range(3000))
    org += "[plan] # the plan\n[objectives.key_results.members]\n"
    assert not _may_hold_hazards(org)
    assert neutralise(org) == (org, [])


def test_nesting_too_deep_is_found_when_header_like_lines_carry_it_over_the_limit() -> None:
    # Opening brackets one short of the limit, then a line that looks like a header
    # but is an array nested two levels further in.
    deep = "a = " + "[" * (MAX_DEPTH - 1) + "\n[[1]]\n" + "]" * (MAX_DEPTH - 1) + "\n"
    assert _may_hold_hazards(deep)
    _, hazards = neutralise(deep)
    assert [h.line for h in hazards] == [1]
    assert "nested more than" in hazards[0].message


def test_brackets_after_a_closing_quote_on_a_header_like_line_still_count() -> None:
    text = 'a = """\n[x] # """ ' + "[" * MAX_DEPTH + "\n"
    assert _may_hold_hazards(text)
