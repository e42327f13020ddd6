"""``make demo``'s settings answer an unknown URL with Cadence's own 404 page. Apart from
the demo's load (tests/demo/test_demo.py): each file runs whole on one test worker, and
the two slow ones run side by side."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEMO_ENV = Path(__file__).resolve().parents[2] / "scripts" / "demo.env"
PROBE = """
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from django.test import Client
# The API docs' and the admin's bundles (30 MB, most of the 17 s that compressing takes)
# are not on the 404 page; everything it links is collected and fingerprinted as in the demo.
call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["ninja", "admin"])
response = Client(HTTP_HOST="127.0.0.1").get("/no-such-page/")
print(response.status_code)
print(response.content.decode())
"""


@pytest.mark.slow
def test_the_demo_answers_an_unknown_url_with_cadences_404(tmp_path):
    """``make demo`` runs without debug: no URL list, static files still served."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CADENCE_", "DJANGO_"))}
    env |= {"CADENCE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cadence.settings"}
    command = f'set -a; source "{DEMO_ENV}"; exec "{sys.executable}" -c "$PROBE"'
    result = subprocess.run(  # noqa: S603 - our own script and interpreter
        ["/bin/bash", "-c", command],
        env={**env, "PROBE": PROBE},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    status, _, html = result.stdout.partition("\n")
    assert status == "404", result.stderr[-2000:]
    assert "Page not found" in html
    assert "URLconf" not in html and "Using the URLconf" not in html
    assert "/static/cadence/cadence." in html  # the fingerprinted, collected stylesheet
