"""The built-in report formats, each an ordinary plugin of ``okrdesk_report_formats``.

They import their renderer only when a report is written in them, so loading
the plugins costs nothing for commands that never render.
"""
