"""Browser fixtures: Playwright driving Debian's chromium against pytest-django's live server.

Playwright's own browser download cannot work on our machines, so we launch the system
chromium that ``scripts/ensure-chromium.sh`` installs (``make test`` runs it first).
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# the ORM calls the tests make (building data, checking results) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402

CHROMIUM = Path(os.environ.get("CADENCE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up; the closed network refuses the
    # connections and the browser stalls.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = os.environ.get("CADENCE_SCREENSHOTS")
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}

expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Not a skip: a CI run without browser tests would pass while proving nothing.
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does) "
            "to install Debian's chromium for the browser tests.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console(list[str]):
    """Every console message and uncaught page error of one test, as text."""

    def csp_violations(self) -> list[str]:
        return [m for m in self if "Content Security Policy" in m]

    def errors(self) -> list[str]:
        return [m for m in self if m.startswith(("error:", "pageerror:"))]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each browser test starts with an empty cache. Sign-in is rate-limited per address
    (``ACCOUNT_RATE_LIMITS``: 30 a minute) and every test signs in from 127.0.0.1 to the
    same live server process, so a worker running its tests quickly would otherwise be
    answered "429 Too Many Requests" by tests that came before it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def console() -> Console:
    return Console()


def _new_page(browser: Browser, live_server, console: Console, viewport: dict) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(5_000)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        console.append(f"{message.type}: {message.text} [{message.location.get('url', '')}]")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    return page


@pytest.fixture
def page(browser: Browser, live_server, console: Console) -> Iterator[Page]:
    """A fresh desktop-sized tab; fails the test if any page broke the CSP."""
    page = _new_page(browser, live_server, console, DESKTOP)
    yield page
    page.context.close()
    assert not console.csp_violations(), console.csp_violations()


@pytest.fixture
def mobile_page(browser: Browser, live_server, console: Console) -> Iterator[Page]:
    page = _new_page(browser, live_server, console, MOBILE)
    yield page
    page.context.close()
    assert not console.csp_violations(), console.csp_violations()


# WCAG 2.x contrast of every visible piece of text against the first opaque background
# behind it: 4.5:1, or 3:1 for large text.
LOW_CONTRAST_JS = """() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const low = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim(), el = walker.currentNode.parentElement;
    if (!text || seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (box.width < 2 || box.height < 2 || style.visibility === "hidden") continue;
    const fg = parse(style.color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) low.push(`${el.tagName} "${text.slice(0, 30)}": ${ratio.toFixed(2)}`);
  }
  return low;
}"""

UNLABELLED_JS = """() => [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, summary, a[href]")]
  .filter((el) => el.getBoundingClientRect().width > 0)
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                  && !el.getAttribute("aria-labelledby") && !el.textContent.trim())
  .map((el) => el.outerHTML.slice(0, 80))"""


def check_page(page: Page, name: str) -> None:
    """The page fits the screen, its text is legible and its controls are labelled.

    With CADENCE_SCREENSHOTS=/some/dir it also keeps a full-page screenshot there."""
    size = "mobile" if page.viewport_size["width"] < 760 else "desktop"
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} at {size} is {overflow}px wider than the screen"
    assert page.evaluate(LOW_CONTRAST_JS) == [], f"low contrast text on {name}"
    assert page.evaluate(UNLABELLED_JS) == [], f"controls without a label on {name}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{size}.png", full_page=True)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real allauth form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.locator("details.usermenu")).to_be_visible()
    # Playwright sees the new DOM before its stylesheet has necessarily loaded.
    page.wait_for_load_state("load")


def sign_out(page: Page) -> None:
    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    # allauth asks again on GET; our menu posts directly, so we land signed out.
    expect(page.locator("details.usermenu")).to_have_count(0)
