"""Words the Q&A layout prints itself, in the site's language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    """User-interface strings of the Q&A layout."""

    posted_on: str
    """Default byline text when a page has no ``post_on_text``."""
    related: str
    """Heading of the related-questions list."""
    subject: str
    author: str
    answer: str
    """Accessible name of the answer region."""


_LABELS = {
    "en": Labels("Posted on", "Related questions", "Subject", "Author", "Answer"),
    "de": Labels("Veröffentlicht am", "Verwandte Fragen", "Fach", "Autor", "Antwort"),
    "fr": Labels("Publié le", "Questions associées", "Matière", "Auteur", "Réponse"),
    "es": Labels("Publicado el", "Preguntas relacionadas", "Materia", "Autor", "Respuesta"),
}


def labels_for(language: str) -> Labels:
    """The labels of a language (``de``, ``de_AT`` and ``de-AT`` alike); English when unknown."""
    base = language.replace("-", "_").split("_", 1)[0].lower()
    return _LABELS.get(base, _LABELS["en"])
