"""Words the Q&A layout and the hub pages print themselves, in the site's language.

Every field is required, so a language added here without one of them fails at import (and in
mypy) instead of showing English words on a translated site.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    """User-interface strings of the Q&A layout and the hubs."""

    posted_on: str
    """Default byline text when a page has no ``post_on_text``."""
    related: str
    """Heading of the related-questions list."""
    subject: str
    """Byline label before the page's subject."""
    author: str
    """Byline label before the page's author."""
    colon: str
    """What follows a byline label; French typography puts a narrow no-break space before ":"."""
    answer: str
    """Accessible name of the answer region."""
    home: str
    """First breadcrumb: the site's home page."""
    subjects: str
    """Title of the all-subjects index."""
    breadcrumbs: str
    """Accessible name of the breadcrumb trail."""
    previous: str
    """Link to the previous page of a hub."""
    next: str
    """Link to the next page of a hub."""
    page: str
    """Where a hub page is in its hub; ``{number}`` and ``{count}`` are filled in."""
    feed: str
    """Name of a hub's Atom/RSS feed link."""
    hub_description: str
    """The description of a subject's hub; ``{subject}`` is filled in."""

    def __reduce__(self) -> str | tuple[object, ...]:
        # A language's labels are one shared object: unpickled (from the process that computes
        # page views ahead) they are that object again, not a copy per page.
        for language, labels in _LABELS.items():
            if labels is self:
                return (labels_for, (language,))
        return super().__reduce__()


_LABELS = {
    "en": Labels(
        posted_on="Posted on",
        related="Related questions",
        subject="Subject",
        author="Author",
        colon=":",
        answer="Answer",
        home="Home",
        subjects="Subjects",
        breadcrumbs="Breadcrumb",
        previous="Previous",
        next="Next",
        page="Page {number} of {count}",
        feed="Feed",
        hub_description="Questions and answers about {subject}",
    ),
    "de": Labels(
        posted_on="Veröffentlicht am",
        related="Verwandte Fragen",
        subject="Fach",
        author="Autor",
        colon=":",
        answer="Antwort",
        home="Startseite",
        subjects="Fächer",
        breadcrumbs="Pfad",
        previous="Zurück",
        next="Weiter",
        page="Seite {number} von {count}",
        feed="Feed",
        hub_description="Fragen und Antworten zu {subject}",
    ),
    "fr": Labels(
        posted_on="Publié le",
        related="Questions associées",
        subject="Matière",
        author="Auteur",
        colon="\u202f:",
        answer="Réponse",
        home="Accueil",
        subjects="Matières",
        breadcrumbs="Fil d’Ariane",
        previous="Précédent",
        next="Suivant",
        page="Page {number} sur {count}",
        feed="Flux",
        hub_description="Questions et réponses : {subject}",
    ),
    "es": Labels(
        posted_on="Publicado el",
        related="Preguntas relacionadas",
        subject="Materia",
        author="Autor",
        colon=":",
        answer="Respuesta",
        home="Inicio",
        subjects="Materias",
        breadcrumbs="Ruta de navegación",
        previous="Anterior",
        next="Siguiente",
        page="Página {number} de {count}",
        feed="Canal",
        hub_description="Preguntas y respuestas sobre {subject}",
    ),
}


def labels_for(language: str) -> Labels:
    """The labels of a language (``de``, ``de_AT`` and ``de-AT`` alike); English when unknown."""
    base = language.replace("-", "_").split("_", 1)[0].lower()
    return _LABELS.get(base, _LABELS["en"])
