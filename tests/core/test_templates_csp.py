"""The CSP allows scripts and styles from our own files only (script-src/style-src 'self'):
a template with an inline style, script or event handler would silently break in browsers.
The browser tests catch this on the pages they visit; this catches it on every template."""

import re
from pathlib import Path

import pytest

import cadence

# Mail templates (``templates/<app>/email/``) are read in mail clients, not served under
# our CSP, and mail clients drop <style> blocks and stylesheets: inline styles are the
# only way to lay a mail out there. PDF templates (``templates/<app>/pdf/``) are read by
# WeasyPrint on the server, which takes only a <style> block for print CSS.
TEMPLATES = sorted(
    p
    for p in Path(cadence.__file__).parent.rglob("templates/**/*.html")
    if p.parent.name not in ("email", "pdf")
)
FORBIDDEN = {
    "inline style attribute": re.compile(r"\sstyle\s*=", re.I),
    "inline <style> block": re.compile(r"<style[\s>]", re.I),
    "inline <script> (no src)": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "hx-on (needs eval)": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_were_found():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_template_needs_nothing_the_csp_blocks(template: Path):
    text = template.read_text()
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert not found, f"{template}: {', '.join(found)}"
