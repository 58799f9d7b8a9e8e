"""Security in a real browser: the hostile pages of tests/test_security.py open in Chromium and
no script of a file runs (no dialog opens), in the three themes.

The attacks chosen run by themselves when a page loads, before any click: an image whose
``onerror`` fires, an ``autofocus`` element whose ``onfocus`` fires, a ``<script>``. Pages are
opened from disk, every network request refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import QUICKTAKE_PAGE, quicktake
from hostile import html_pages
from playwright.sync_api import Route, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from conftest import BuildSite

pytestmark = pytest.mark.clients

ANSWER = (
    r"Intro.\n\n### Image $<img src=x onerror=alert(1)>$\nOne.\n\n"
    r'![img]($" onerror="alert(2)$) and <img src=x onerror=alert(3)>\n\n'
    r"<script>alert(4)</script>\n\n"
    r'Text {: autofocus onfocus="alert(5)" }'
)
SUBJECT = 'Physics" autofocus onfocus="alert(6)'


def _refuse(route: Route) -> None:
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


@pytest.mark.parametrize("math", ["mathml", "none"])
@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_no_dialog_opens_on_any_page_of_a_hostile_site(
    build_site: BuildSite, theme: str, math: str
) -> None:
    pages = {
        "index.md": "# Home\n",
        "a.md": quicktake(answer=ANSWER, subject=SUBJECT, title="<script>alert(7)</script>"),
        "b.md": quicktake(subject=SUBJECT, url="/b", title="B"),
    }
    site = build_site(
        pages,
        theme=theme,
        plugin={"math": math},
        extra={"markdown_extensions": [{"toc": {"permalink": True}}, "attr_list"]},
    )
    paths = list(html_pages(site.site_dir))
    assert site.site_dir / QUICKTAKE_PAGE in paths
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", _refuse)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in paths:
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(50)  # let onerror and onfocus handlers fire, if any
        finally:
            browser.close()
    assert dialogs == []
