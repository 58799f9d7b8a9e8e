"""The words and dates of a Q&A page, in the site's language."""

from __future__ import annotations

import string
from dataclasses import dataclass, fields, replace
from typing import Any

import pytest
from conftest import QUICKTAKE_PAGE, BuildSite, Site, quicktake

from mkdocs_quicktakes.records.labels import Labels, labels_for

PAGE = quicktake(
    date="2025-03-05",  # a Wednesday in March: "März", "mars", "marzo" test non-ASCII month names
    date_format="dddd, D MMMM YYYY",
    post_on_text=None,  # the byline then starts with the language's own "Posted on"
    related_article1={"id": 2, "title": "Another question", "url": "/another/"},
)


@dataclass(frozen=True)
class Expected:
    byline: str
    related: str
    subject: str
    author: str
    answer: str


EXPECTED = {
    "en": Expected(
        "Posted on Wednesday, 5 March 2025", "Related questions", "Subject:", "Author:", "Answer"
    ),
    "de": Expected(
        "Veröffentlicht am Mittwoch, 5 März 2025", "Verwandte Fragen", "Fach:", "Autor:", "Antwort"
    ),
    "fr": Expected(
        "Publié le mercredi, 5 mars 2025", "Questions associées", "Matière :", "Auteur :", "Réponse"
    ),
    "es": Expected(
        "Publicado el miércoles, 5 marzo 2025",
        "Preguntas relacionadas",
        "Materia:",
        "Autor:",
        "Respuesta",
    ),
}


def printed(site: Site) -> Expected:
    """The labels and date the built page shows, as a reader sees them."""
    soup = site.soup(QUICKTAKE_PAGE)

    def text(selector: str) -> str:
        found = soup.select_one(selector)
        assert found is not None, selector
        return " ".join(found.get_text().split())

    answer = soup.select_one("#answer")
    assert answer is not None
    return Expected(
        byline=text(".qt-byline__date"),
        related=text(".qt-related__title"),
        subject=text(".qt-byline__subject .qt-byline__label"),
        author=text(".qt-byline__author .qt-byline__label"),
        answer=str(answer["aria-label"]),
    )


@pytest.mark.parametrize("language", list(EXPECTED))
def test_page_prints_labels_and_date_in_the_site_language(
    build_site: BuildSite, language: str
) -> None:
    site = build_site({"q.md": PAGE}, theme={"name": "mkdocs", "locale": language})
    assert printed(site) == EXPECTED[language]


@pytest.mark.parametrize(
    ("theme", "plugin", "language"),
    [
        # The mkdocs and readthedocs themes are translated through `locale`, Material through
        # `language`; the plugin's own `locale` wins over both.
        ({"name": "readthedocs", "locale": "fr"}, {}, "fr"),
        ({"name": "material", "language": "es"}, {}, "es"),
        ({"name": "material", "language": "fr"}, {"locale": "de"}, "de"),
        ({"name": "mkdocs"}, {"locale": "es-ES"}, "es"),
        ({"name": "mkdocs", "locale": "de_AT"}, {}, "de"),
    ],
    ids=["readthedocs-locale", "material-language", "plugin-locale-wins", "region-es-ES", "de_AT"],
)
def test_language_comes_from_the_theme_or_the_plugin_locale(
    build_site: BuildSite, theme: dict[str, Any], plugin: dict[str, Any], language: str
) -> None:
    site = build_site({"q.md": PAGE}, theme=theme, plugin=plugin)
    assert printed(site) == EXPECTED[language]


def test_language_without_labels_keeps_english_words_but_its_own_dates(
    build_site: BuildSite,
) -> None:
    site = build_site({"q.md": PAGE}, theme={"name": "mkdocs", "locale": "it"})
    assert printed(site) == replace(EXPECTED["en"], byline="Posted on mercoledì, 5 marzo 2025")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_every_translation_keeps_the_placeholders_of_english(language: str) -> None:
    english, translated = labels_for("en"), labels_for(language)
    assert translated != english
    for label in fields(Labels):
        text = getattr(translated, label.name)
        assert placeholders(text) == placeholders(getattr(english, label.name)), label.name


@dataclass(frozen=True)
class HubWords:
    home: str
    subjects: str
    breadcrumbs: str
    page_1: str
    page_2: str
    next: str
    previous: str
    description: str


HUB_WORDS = {
    "en": HubWords(
        "Home",
        "Subjects",
        "Breadcrumb",
        "Page 1 of 2",
        "Page 2 of 2",
        "Next",
        "Previous",
        "Questions and answers about Testing",
    ),
    "de": HubWords(
        "Startseite",
        "Fächer",
        "Pfad",
        "Seite 1 von 2",
        "Seite 2 von 2",
        "Weiter",
        "Zurück",
        "Fragen und Antworten zu Testing",
    ),
    "fr": HubWords(
        "Accueil",
        "Matières",
        "Fil d’Ariane",
        "Page 1 sur 2",
        "Page 2 sur 2",
        "Suivant",
        "Précédent",
        "Questions et réponses : Testing",
    ),
    "es": HubWords(
        "Inicio",
        "Materias",
        "Ruta de navegación",
        "Página 1 de 2",
        "Página 2 de 2",
        "Siguiente",
        "Anterior",
        "Preguntas y respuestas sobre Testing",
    ),
}


def hub_words(site: Site) -> HubWords:
    """The words a subject hub of two pages prints: breadcrumbs, pager and description."""
    first, second = (
        site.soup("learn/testing/index.html"),
        site.soup("learn/testing/page/2/index.html"),
    )

    def one(soup: Any, selector: str) -> Any:
        found = soup.select_one(selector)
        assert found is not None, selector
        return found

    crumbs = [a.get_text(strip=True) for a in first.select(".qt-breadcrumbs a")]
    return HubWords(
        home=crumbs[0],
        subjects=crumbs[1],
        breadcrumbs=one(first, ".qt-breadcrumbs")["aria-label"],
        page_1=one(first, ".qt-pager")["aria-label"],
        page_2=one(second, ".qt-pager")["aria-label"],
        next=one(first, ".qt-pager__next").get_text(strip=True),
        previous=one(second, ".qt-pager__previous").get_text(strip=True),
        description=one(first, 'meta[name="description"]')["content"],
    )


@pytest.mark.parametrize("language", list(HUB_WORDS))
def test_hub_pages_print_breadcrumbs_pager_and_description_in_the_site_language(
    build_site: BuildSite, language: str
) -> None:
    pages = {
        f"q{n}.md": quicktake(id=n, title=f"Q{n}", url=f"/learn/testing/questions/q{n}")
        for n in range(3)
    }
    site = build_site(
        pages, theme={"name": "mkdocs", "locale": language}, plugin={"hub_page_size": 2}
    )
    assert hub_words(site) == HUB_WORDS[language]
