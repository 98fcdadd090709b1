"""Reports laid out by jinja2 templates, which a workspace can override by name.

Templates are looked up in ``--templates DIR`` first, then the workspace's
own ``templates/``, then the ones shipped with okrdesk. They render in
jinja2's sandbox: a template from a workspace someone sent you can lay out
the report, not run code.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import jinja2
from markupsafe import Markup, escape

from okrdesk.errors import BadInput, Said
from okrdesk.messages import label, status
from okrdesk.plugins.hookspecs import RenderContext
from okrdesk.plugins.time_limit import TIMEOUT_ENV, OutOfTime, limited, plugin_timeout
from okrdesk.report import cells, notes
from okrdesk.report.charts import burnup_svg
from okrdesk.report.document import Report, off_track
from okrdesk.report.numbers import ledger, money, percent, ratio, score_text
from okrdesk.report.template_limits import MOST_MEMORY, BoundedSandbox, memory_capped
from okrdesk.report.text_layout import figure_runs
from okrdesk.resources import shipped

# Only what would change how the line reads: a backslash before punctuation
# (it would escape it), a pipe (a table cell's end), a backtick, an asterisk
# (emphasis), an underscore at a word's edge (intraword ones never emphasise),
# ``<`` opening a tag, an autolink or WeCom's ``<@userid>`` (which would notify that
# person in the group), ``~`` when two could strike through, and
# brackets when a ``]`` follows a ``[`` (a link). Ordinary text, Chinese
# punctuation and parentheses stay as they are, so a paste into chat reads clean.
_MD_ALWAYS = re.compile(r"\\(?=[!-/:-@\[-`{-~])|[|`*]|<(?=[A-Za-z/!?@])")
_MD_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_MD_LINK = re.compile(r"\[.*\]")
# A line opening with these would become a heading, quote, list or rule.
_MD_BLOCK_START = re.compile(r"^(?:#{1,6}(?= |$)|>|[-+](?= |$)|[0-9]+(?=[.)](?: |$)))")


def markdown_text(value: object) -> str:
    """User text made inert in Markdown: one line, and only what would change how
    it reads is escaped (docs/report.md, "Markdown")."""
    text = " ".join(str(value).split())
    text = _MD_ALWAYS.sub(lambda m: "\\" + m.group(0), text)
    text = _MD_EDGE_UNDERSCORE.sub(r"\\_", text)
    if "~~" in text:
        text = text.replace("~", r"\~")
    if _MD_LINK.search(text):
        text = text.replace("[", r"\[").replace("]", r"\]")
    return _MD_BLOCK_START.sub(_inert_block_start, text)


def figures_whole(value: object) -> Markup:
    """``value`` escaped, each figure with its sign and unit (``text_layout.figure_runs``)
    in a span the page never breaks inside: a phone broke a title as it breaks Chinese,
    between any two characters, ``≥ 800`` at a line's end and ``万）`` below it."""
    text = str(value)
    parts, done = [], 0
    for start, end in figure_runs(text):
        parts += [escape(text[done:start]), Markup('<span class="whole">'),
                  escape(text[start:end]), Markup("</span>")]  # fmt: skip
        done = end
    return Markup("").join([*parts, escape(text[done:])])


def _inert_block_start(found: re.Match[str]) -> str:
    # "1. x" is kept as "1\. x"; "# x", "> x", "- x" get the backslash in front.
    mark = found.group(0)
    return mark + "\\" if mark.isdigit() else "\\" + mark


class _ConfinedLoader(jinja2.FileSystemLoader):
    """jinja2's file loader, except that a template must lie inside the folder it was
    found in once links are followed: a template in a workspace someone sent that links
    to a file of yours (``{% include "logo.svg" %}``, a link to /etc/passwd) would put
    it in the report."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        found = Path(filename).resolve()
        if not any(found.is_relative_to(Path(f).resolve()) for f in self.searchpath):
            raise jinja2.TemplateNotFound(
                template, f"{template} links to a file outside its templates folder"
            )
        return source, filename, uptodate


def environment(folders: Sequence[Path]) -> jinja2.Environment:
    loader = _ConfinedLoader([str(f) for f in folders if f.is_dir()])
    env = BoundedSandbox(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=markdown_text, figures_whole=figures_whole, money=money, ledger=ledger,
        percent=percent, ratio=ratio, score=score_text,
    )  # fmt: skip
    env.globals.update(
        label=label, status=status, value=cells.value, target=cells.target, change=cells.change,
        moved_change=cells.moved_change,
        actual=cells.actual, attainment=cells.attainment,
        change_heading=cells.change_heading, days_left=cells.days_left,
        due_figure=cells.due_figure, due_heading=cells.due_heading, due_on=cells.due_on,
        forecast_from=cells.forecast_from, forecast_heading=cells.forecast_heading,
        time_left=cells.time_left,
        sparkline=cells.sparkline, burnup=burnup_svg, off_track=off_track, escape=escape,
        Markup=Markup, status_text=notes.status_text, members_met=notes.members_met,
        to_date_note=notes.to_date_note, checkin_story=notes.checkin_story,
        window_story=notes.window_story, funnel_story=notes.funnel_story,
        not_collected_story=notes.not_collected_story, closed_story=notes.closed_story,
        old_figure_story=notes.old_figure_story,
        counted_through_story=notes.counted_through_story, phase_story=notes.phase_story,
        settles_story=notes.settles_story,
        unshared_story=notes.unshared_story,
        unmeasured_story=notes.unmeasured_story, capped_story=notes.capped_story,
        pooled_story=notes.pooled_story, baseline_story=notes.baseline_story,
        ledger_rounding_note=notes.ledger_rounding_note, budget_summary=notes.budget_summary,
        score_periods=notes.score_periods, score_in=notes.score_in, held=notes.held,
        scores_legend=notes.scores_legend,
        score_trend=notes.score_trend, period_heading=notes.period_heading,
        to_date_heading=notes.to_date_heading, running_period=notes.running_period,
        breakdown_heading=notes.breakdown_heading, breakdown_rows=notes.breakdown_rows,
        members_listed=notes.members_listed, scores_listed=notes.scores_listed,
        depth_note=notes.depth_note,
        is_unlisted=notes.is_unlisted, unlisted_text=notes.unlisted_text,
        whose=notes.whose, moved_most=notes.moved_most, attention=notes.attention,
        attention_first=notes.attention_first, attention_heading=notes.attention_heading,
        owed_text=notes.owed_text, score_before=notes.score_before,
        began_counting_story=notes.began_counting_story,
        needing_attention=notes.needing_attention, for_information=notes.for_information,
        no_targets_story=notes.no_targets_story, no_alerts_text=notes.no_alerts_text,
        rank_text=notes.rank_text, off_track_text=notes.off_track_text,
        opens_people=notes.opens_people, unranked_notes=notes.unranked_notes,
        member_score=notes.member_score,
    )  # fmt: skip
    return env


def template_folders(workspace: Path, extra: Path | None) -> list[Path]:
    folders = [extra] if extra is not None else []
    if extra is not None and not extra.is_dir():
        raise BadInput(Said(f"--templates {extra}: no such folder",
                            f"--templates {extra}：没有这个文件夹"))  # fmt: skip
    own = workspace / "templates"
    if own.exists() and not own.resolve().is_relative_to(workspace.resolve()):
        # templates -> .. in a repository whose subfolder is the workspace would let a
        # template include the repository's .git/config, a token and all.
        raise BadInput(Said(f"{own}: leads outside the workspace; its templates are not read",
                            f"{own}：指向工作区之外；其中的模板不会读取"))  # fmt: skip
    return [*folders, own, shipped("templates")]


def render_template(name: str, report: Report, out: TextIO, context: RenderContext) -> None:
    """Render the template ``name`` for ``report`` into ``out``.

    The sandbox lets a template run no code, but not stop: loops inside loops in a
    template someone sent could go on for hours, or fill the memory. A template is
    held to the plugins' time limit, to ``MOST_WRITTEN`` characters, and to what
    ``template_limits`` allows one step of it; a workspace's template that fails in
    Python's words (a division by 0, a macro that calls itself) is its mistake, said
    at its line like jinja2's own."""
    env = environment(template_folders(context.workspace, context.templates))
    seconds = plugin_timeout(None)
    where = [name]

    def rendered() -> list[str]:
        template = env.get_template(name)
        where[0] = template.filename or name
        pieces: list[str] = []
        written = 0
        for piece in template.generate(r=report, lang=report.lang, start=context.plan_start,
                                       end=context.plan_end):  # fmt: skip
            written += len(piece)
            if written > MOST_WRITTEN:
                raise BadInput(Said(
                    f"{where[0]}: the template wrote more than {MOST_WRITTEN:,} characters; "
                    "does a loop run away?",
                    f"{where[0]}：模板写出的内容超过 {MOST_WRITTEN:,} 个字符；是否有循环失控？",
                ))  # fmt: skip
            pieces.append(piece)
        return pieces

    try:
        # Held to the limit off the main thread and on Windows too, as a plugin's calls.
        with memory_capped():
            pieces = limited(seconds, rendered)
    except BadInput:
        raise
    except jinja2.TemplateError as error:
        at, line = _template_position(error, name)
        at = f"{at}:{line}" if line else at
        raise BadInput(Said(f"{at}: template error: {error}",
                            f"{at}：模板错误：{error}")) from None  # fmt: skip
    except OutOfTime:
        raise BadInput(Said(
            f"{where[0]}: the template did not finish within {seconds:g} s (${TIMEOUT_ENV}); "
            "does a loop run away?",
            f"{where[0]}：模板在 {seconds:g} 秒内未完成（${TIMEOUT_ENV}）；是否有循环失控？",
        )) from None  # fmt: skip
    except MemoryError as error:
        found = _workspace_frame(error, env)
        at = f"{found[0]}:{found[1]}" if found else where[0]
        most = MOST_MEMORY // 1024**3
        raise BadInput(Said(
            f"{at}: the template took more than {most} GiB of memory; does a value "
            "grow without end?",
            f"{at}：模板占用的内存超过 {most} GiB；是否有数值无限增长？",
        )) from None  # fmt: skip
    except Exception as error:
        found = _workspace_frame(error, env)
        if found is None:
            raise  # okrdesk's own template or code went wrong: a bug to see in full
        at = f"{found[0]}:{found[1]}"
        why = f"{type(error).__name__}: {error}"
        raise BadInput(Said(f"{at}: template error: {why}",
                            f"{at}：模板错误：{why}")) from None  # fmt: skip
    out.write("".join(pieces))


MOST_WRITTEN = 256 * 1024 * 1024
"""Characters a template may write: far beyond a firm-wide report."""


def _workspace_frame(error: BaseException, env: jinja2.Environment) -> tuple[str, int] | None:
    """The file and line of the innermost template that ``error`` went through, when
    that template is not one shipped with okrdesk; jinja puts template lines in
    tracebacks."""
    loader = env.loader
    folders = loader.searchpath if isinstance(loader, jinja2.FileSystemLoader) else []
    own = shipped("templates").resolve()
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        found = Path(frame.filename).resolve()
        if frame.lineno is None or not any(found.is_relative_to(Path(f).resolve())
                                           for f in folders):  # fmt: skip
            continue
        return None if found.is_relative_to(own) else (frame.filename, frame.lineno)
    return None


def _template_position(error: jinja2.TemplateError, name: str) -> tuple[str, int | None]:
    """Which template file and line went wrong; jinja puts template lines in tracebacks."""
    filename = getattr(error, "filename", None)
    line = getattr(error, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.endswith(name):
                filename, line = frame.filename, frame.lineno
                break
    return filename or name, line
