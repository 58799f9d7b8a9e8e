"""Formulas in real builds: math-core's MathML, its warnings, math_macros and the math stylesheet.

Browser checks of the same pages are in ``test_math_browser.py``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
from bs4 import Tag
from conftest import QUICKTAKE_PAGE, quicktake
from mkdocs.exceptions import Abort, ConfigurationError

if TYPE_CHECKING:
    from conftest import BuildSite, Site

MATH_CSS = "quicktakes/math.css"


def answer_of(site: Site, path: str = QUICKTAKE_PAGE) -> Tag:
    answer = site.soup(path).find(id="answer")
    assert isinstance(answer, Tag)
    return answer


def stylesheets(site: Site, path: str) -> list[str]:
    soup = site.soup(path)
    return [str(link["href"]) for link in soup.find_all("link", rel="stylesheet")]


def test_math_macros_expand_in_every_formula(build_site: BuildSite) -> None:
    answer = r"Vectors $\vect{v} \in \RR^3$ and\n\n$$\n\vect{F} = m \vect{a}\n$$"
    macros = {"vect": r"\mathbf{#1}", "RR": r"\mathbb{R}"}
    site = build_site({"a.md": quicktake(answer=answer)}, plugin={"math_macros": macros})
    maths = answer_of(site).find_all("math")
    assert len(maths) == 2
    text = " ".join(math.get_text() for math in maths)
    assert "\U0001d42f" in text  # \vect{v}: MATHEMATICAL BOLD SMALL V
    assert "\u211d" in text  # \RR: DOUBLE-STRUCK CAPITAL R
    assert "\U0001d405" in text  # \vect{F}: MATHEMATICAL BOLD CAPITAL F
    assert site.messages() == []


def test_without_math_macros_the_same_formula_is_reported(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(answer=r"A vector $\vect{v}$.")}, strict=False)
    assert answer_of(site).find("math") is None
    assert [m for m in site.messages() if r"\vect" in m] != []


@pytest.mark.parametrize("macros", [{"2x": "a"}, {"R R": "x"}, "R"])
def test_a_bad_math_macros_option_stops_the_build_naming_it(
    build_site: BuildSite, macros: object, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises((Abort, ConfigurationError)):
        build_site({"a.md": quicktake()}, plugin={"math_macros": macros})
    assert "math_macros" in caplog.text


def test_a_rejected_formula_stays_visible_with_one_warning(build_site: BuildSite) -> None:
    answer = r"Good $x^2$, bad $\frac{1}{$ and good again\n\n$$\ny = mx + c\n$$\n\nThe end."
    site = build_site({"sub/a.md": quicktake(answer=answer)}, strict=False)
    answer_html = answer_of(site)
    code = answer_html.find("code", class_="qt-math-error")
    assert isinstance(code, Tag)
    assert code.get_text() == r"$\frac{1}{$"
    assert len(answer_html.find_all("math")) == 2  # the rest of the page is unaffected
    assert "The end." in answer_html.get_text()
    warnings = [m for m in site.messages(logging.WARNING) if "frac" in m]
    assert len(warnings) == 1
    # The file (relative to docs_dir), the formula and math-core's own message.
    assert "sub/a.md" in warnings[0]
    assert r"$\frac{1}{$" in warnings[0]
    expected = 'math-core, at character 9: Expected closing token "}", but reached end of input.'
    assert expected in warnings[0]


def test_a_rejected_formula_fails_a_strict_build(build_site: BuildSite) -> None:
    with pytest.raises(Abort):
        build_site({"a.md": quicktake(answer=r"Bad $\frac{1}{$.")}, strict=True)


def test_every_formula_kind_of_the_issue_converts_without_warning(build_site: BuildSite) -> None:
    answer = (
        r"$$\n\begin{aligned} a &= b + c \\ d &= e \end{aligned}\n$$\n\n"
        r"$$\nf(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}\n$$\n\n"
        r"$$\n\begin{pmatrix} 1 & 20 \\ 300 & 4 \end{pmatrix}\n$$\n\n"
        r"$$\n\boxed{E = mc^2} \quad \fbox{done}\n$$\n\n"
        r"Cancel $\cancel{a}$, $\bcancel{b}$, $\xcancel{c}$; $6.022 \times 10^{23}$."
    )
    site = build_site({"a.md": quicktake(answer=answer)})
    html = answer_of(site)
    assert html.find("code", class_="qt-math-error") is None
    assert len(html.find_all("math")) == 8
    assert len(html.find_all("menclose", attrs={"notation": "box"})) == 2
    assert [mn.get_text() for mn in html.find_all("mn")][-3:] == ["6.022", "10", "23"]


def test_math_stylesheet_is_linked_only_from_pages_with_math(build_site: BuildSite) -> None:
    with_math = quicktake(answer=r"It is $x^2$.", url="/learn/testing/questions/math")
    without = quicktake(answer="No formula here.", url="/learn/testing/questions/plain", id=2)
    site = build_site({"a.md": with_math, "b.md": without, "index.md": "# Home"})
    assert any(
        href.endswith(MATH_CSS)
        for href in stylesheets(site, "learn/testing/questions/math/index.html")
    )
    for page in (
        "learn/testing/questions/plain/index.html",
        "learn/testing/index.html",
        "index.html",
    ):
        assert not any(href.endswith(MATH_CSS) for href in stylesheets(site, page)), page
    assert (site.site_dir / MATH_CSS).is_file()


def test_math_stylesheet_is_not_linked_when_formulas_stay_source(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(answer=r"It is $x^2$.")}, plugin={"math": "none"})
    assert not any(href.endswith(MATH_CSS) for href in stylesheets(site, QUICKTAKE_PAGE))
