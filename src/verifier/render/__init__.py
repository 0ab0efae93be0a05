"""Rendering: Markdown and HTML briefs, the HTML report, terminal tables."""
