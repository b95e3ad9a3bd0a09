"""Every fixed word our templates show, in one place a site can override.

English is the default; ``language: es`` or ``de`` picks a bundled
translation, and the plugin's ``strings`` option overrides single entries.
The theme's own words follow mkdocs-material's ``theme.language``.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH: dict[str, str] = {
    "fact_check": "Fact check",
    "claim": "Claim",
    "claimed_by": "Claimed by",
    "claimed_on": "on",
    "made_here": "Where it was said",
    "verdict": "Verdict",
    "our_verdict": "Our verdict",
    "analysis": "Analysis",
    "experts": "What experts said",
    "stance_supports": "Supports the claim",
    "stance_disputes": "Disputes the claim",
    "stance_context": "Gives context",
    "quote_source": "Where this was said",
    "sources": "Sources",
    "archived": "archived copy",
    "related": "Related fact checks",
    "tags": "Tags",
    "published": "Published",
    "updated": "Updated",
    "checked_by": "Checked by",
    "corrections": "Corrections",
    "scoreboard": "Scoreboard",
    "verdict_distribution": "Verdicts",
    "count": "Claims",
    "share": "Share",
    "total_checked": "Fact checks published",
    "claims_checked": "claims checked",
    "selection_note": (
        "We choose claims to check because they are newsworthy, influential or doubtful; "
        "they are not a random sample. These tallies describe our fact checks, not how "
        "truthful any person or organisation is overall."
    ),
    "by_claimant": "Scorecards by claimant",
    "claimant": "Claimant",
    "latest": "Latest fact checks",
    "all_claims": "All fact checks",
    "claims": "Fact checks",
    "claimants": "Claimants",
    "experts_index": "Experts",
    "tags_index": "Topics",
    "sources_index": "Sources",
    "cited_by": "Cited by",
    "date_range": "Claims made",
    "quotes_by": "Quotes",
    "on_claim": "On the claim",
    "filter": "Filter the list",
    "filter_placeholder": "Type a word, a name or a verdict",
    "filter_status": "{shown} of {total} shown",
    "pages": "Pages",
    "scale_title": "Rating scale",
    "scale_rating": "Rating",
    "scale_meaning": "What it means",
    "scale_value": "Score",
    "scale_colour": "Colour",
    "no_value": "none",
    "feed_title": "Fact checks",
    "feed_link": "Atom feed",
    "download_json": "All claims as JSON",
    "download_csv": "All claims as CSV",
    "history": "History",
    "last_changed": "Last changed",
    "verdict_changes": "Verdict changes",
    "invalid_claims": "Some claim files have errors",
    "invalid_claims_note": "These files were not published until they are fixed:",
    "preview_draft": "Draft",
    "preview_review": "In review",
    "preview_embargoed": "Embargoed until",
    "preview_note": "A preview: a build for publishing leaves this check out of every page, the feed, "
                    "the exports, the sitemap and search.",
}

SPANISH: dict[str, str] = {
    "fact_check": "Verificación",
    "claim": "Afirmación",
    "claimed_by": "Afirmado por",
    "claimed_on": "el",
    "made_here": "Dónde se dijo",
    "verdict": "Veredicto",
    "our_verdict": "Nuestro veredicto",
    "analysis": "Análisis",
    "experts": "Qué dicen los expertos",
    "stance_supports": "Respalda la afirmación",
    "stance_disputes": "Rebate la afirmación",
    "stance_context": "Aporta contexto",
    "quote_source": "Dónde se dijo",
    "sources": "Fuentes",
    "archived": "copia archivada",
    "related": "Verificaciones relacionadas",
    "tags": "Temas",
    "published": "Publicado",
    "updated": "Actualizado",
    "checked_by": "Verificado por",
    "corrections": "Correcciones",
    "scoreboard": "Marcador",
    "verdict_distribution": "Veredictos",
    "count": "Afirmaciones",
    "share": "Porcentaje",
    "total_checked": "Verificaciones publicadas",
    "claims_checked": "afirmaciones verificadas",
    "selection_note": (
        "Elegimos qué afirmaciones verificar porque son relevantes, influyentes o "
        "dudosas; no son una muestra aleatoria. Estas cifras describen nuestras "
        "verificaciones, no cuán veraz es una persona u organización en general."
    ),
    "by_claimant": "Resultados por autor",
    "claimant": "Autor",
    "latest": "Últimas verificaciones",
    "all_claims": "Todas las verificaciones",
    "claims": "Verificaciones",
    "claimants": "Autores",
    "experts_index": "Expertos",
    "tags_index": "Temas",
    "sources_index": "Fuentes",
    "cited_by": "Citada en",
    "date_range": "Afirmaciones hechas",
    "quotes_by": "Citas",
    "on_claim": "Sobre la afirmación",
    "filter": "Filtrar la lista",
    "filter_placeholder": "Escriba una palabra, un nombre o un veredicto",
    "filter_status": "{shown} de {total} mostradas",
    "pages": "Páginas",
    "scale_title": "Escala de calificación",
    "scale_rating": "Calificación",
    "scale_meaning": "Qué significa",
    "scale_value": "Puntuación",
    "scale_colour": "Color",
    "no_value": "ninguna",
    "feed_title": "Verificaciones",
    "feed_link": "Canal Atom",
    "download_json": "Todas las afirmaciones en JSON",
    "download_csv": "Todas las afirmaciones en CSV",
    "history": "Historial",
    "last_changed": "Último cambio",
    "verdict_changes": "Cambios de veredicto",
    "invalid_claims": "Algunos archivos tienen errores",
    "invalid_claims_note": "Estos archivos no se publican hasta que se corrijan:",
    "preview_draft": "Borrador",
    "preview_review": "En revisión",
    "preview_embargoed": "Embargado hasta el",
    "preview_note": "Vista previa: una compilación para publicar deja esta verificación fuera de todas las "
                    "páginas, el feed, las exportaciones, el mapa del sitio y la búsqueda.",
}

GERMAN: dict[str, str] = {
    "fact_check": "Faktencheck",
    "claim": "Behauptung",
    "claimed_by": "Behauptet von",
    "claimed_on": "am",
    "made_here": "Wo es gesagt wurde",
    "verdict": "Bewertung",
    "our_verdict": "Unsere Bewertung",
    "analysis": "Analyse",
    "experts": "Was Fachleute sagen",
    "stance_supports": "Stützt die Behauptung",
    "stance_disputes": "Widerspricht der Behauptung",
    "stance_context": "Ordnet ein",
    "quote_source": "Wo es gesagt wurde",
    "sources": "Quellen",
    "archived": "archivierte Kopie",
    "related": "Verwandte Faktenchecks",
    "tags": "Themen",
    "published": "Veröffentlicht",
    "updated": "Aktualisiert",
    "checked_by": "Geprüft von",
    "corrections": "Korrekturen",
    "scoreboard": "Übersicht",
    "verdict_distribution": "Bewertungen",
    "count": "Behauptungen",
    "share": "Anteil",
    "total_checked": "Veröffentlichte Faktenchecks",
    "claims_checked": "geprüfte Behauptungen",
    "selection_note": (
        "Wir wählen Behauptungen aus, weil sie relevant, einflussreich oder zweifelhaft "
        "sind; sie sind keine Zufallsstichprobe. Diese Zahlen beschreiben unsere "
        "Faktenchecks, nicht, wie wahrhaftig eine Person oder Organisation insgesamt ist."
    ),
    "by_claimant": "Bilanz nach Urheber",
    "claimant": "Urheber",
    "latest": "Neueste Faktenchecks",
    "all_claims": "Alle Faktenchecks",
    "claims": "Faktenchecks",
    "claimants": "Urheber",
    "experts_index": "Fachleute",
    "tags_index": "Themen",
    "sources_index": "Quellen",
    "cited_by": "Zitiert in",
    "date_range": "Behauptungen aus",
    "quotes_by": "Zitate",
    "on_claim": "Zur Behauptung",
    "filter": "Liste filtern",
    "filter_placeholder": "Wort, Name oder Bewertung eingeben",
    "filter_status": "{shown} von {total} angezeigt",
    "pages": "Seiten",
    "scale_title": "Bewertungsskala",
    "scale_rating": "Bewertung",
    "scale_meaning": "Bedeutung",
    "scale_value": "Wert",
    "scale_colour": "Farbe",
    "no_value": "keiner",
    "feed_title": "Faktenchecks",
    "feed_link": "Atom-Feed",
    "download_json": "Alle Behauptungen als JSON",
    "download_csv": "Alle Behauptungen als CSV",
    "history": "Verlauf",
    "last_changed": "Zuletzt geändert",
    "verdict_changes": "Änderungen der Bewertung",
    "invalid_claims": "Einige Dateien enthalten Fehler",
    "invalid_claims_note": "Diese Dateien werden erst nach der Korrektur veröffentlicht:",
    "preview_draft": "Entwurf",
    "preview_review": "In Prüfung",
    "preview_embargoed": "Sperrfrist bis",
    "preview_note": "Eine Vorschau: Ein Build zur Veröffentlichung lässt diesen Faktencheck aus allen "
                    "Seiten, dem Feed, den Exporten, der Sitemap und der Suche heraus.",
}

BUNDLED: dict[str, dict[str, str]] = {"en": ENGLISH, "es": SPANISH, "de": GERMAN}


class UnknownStrings(ValueError):
    pass


def strings_for(language: str | None, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """English, then the bundled language (if any), then the site's own overrides."""
    base = dict(ENGLISH)
    base.update(BUNDLED.get((language or "en").split("-")[0].lower(), {}))
    unknown = sorted(set(overrides or {}) - set(ENGLISH))
    if unknown:
        raise UnknownStrings(
            f"unknown string key(s): {', '.join(unknown)}; known keys are listed in factcheck/strings.py"
        )
    base.update({key: str(value) for key, value in (overrides or {}).items()})
    return base
