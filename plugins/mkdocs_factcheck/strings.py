"""Every fixed word our templates show, in one place a site can override.

English is the default; ``language: es`` or ``de`` picks a bundled
translation, and the plugin's ``strings`` option overrides single entries.
The theme's own words follow mkdocs-material's ``theme.language``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from babel import Locale, UnknownLocaleError

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
    "by_claimant": "Claimants with the most fact checks",
    "claimant": "Claimant",
    "latest": "Latest fact checks",
    "all_claims": "All fact checks",
    "claims": "Fact checks",
    "claimants": "Claimants",
    "experts_index": "Experts",
    "tags_index": "Topics",
    "sources_index": "Sources",
    "cited_by": "Cited by",
    "and_more": "and {count} more",
    "date_range": "Claims made",
    "quotes_by": "Quotes",
    "on_claim": "On the claim",
    "filter": "Filter the list",
    "filter_placeholder": "Type a word, a name or a verdict",
    "filter_status": "{shown} of {total} shown",
    "previous_page": "Previous",
    "next_page": "Next",
    "pages": "Pages",
    "scale_title": "Rating scale",
    "scale_rating": "Rating",
    "scale_meaning": "What it means",
    "feed_title": "Fact checks",
    "feed_link": "Atom feed",
    "download_json": "All claims as JSON",
    "download_csv": "All claims as CSV",
    "history": "History",
    "verdict_changes": "Verdict changes",
    "invalid_claims": "Some claim files have errors",
    "invalid_claims_note": "These files were not published until they are fixed:",
    "preview_draft": "Draft",
    "preview_review": "In review",
    "preview_embargoed": "Embargoed until",
    "preview_note": "A preview: a build for publishing leaves this check out of every page, the feed, "
                    "the exports, the sitemap and search.",
    "said_on": "on",
    "by": "By",
    "report_error": "Report an error",
    "about": "Who we are",
    "contact": "Contact",
    "funding": "Funding",
    "methodology": "Methodology",
    "corrections_policy": "Corrections",
    "card_claim_by": "Claim by {claimant}",
    "card_alt": "Fact check: {verdict}. Claim by {claimant}: “{claim}”",
    "site_card_kicker": "Fact checks",
    "site_card_alt": "{site}: fact checks",
    "per_month": "Fact checks per month",
    "month": "Month",
    "withdrawn": "Withdrawn",
    "withdrawn_on": "Withdrawn on",
    "withdrawn_note": "We no longer stand behind this fact check. It stays here, as it was published, so that "
                      "the record stays whole; its verdict no longer counts in our scoreboard.",
    "withdrawn_verdict": "Verdict when published",
    "corrections_log": "Corrections log",
    "corrections_log_intro": "Every correction, verdict change and withdrawal across our fact checks, newest first.",
    "log_correction": "Correction",
    "log_verdict_change": "Verdict changed",
    "log_withdrawal": "Withdrawn",
    "log_none": "No fact check has been corrected yet.",
    "said": "said",
    "claim_made_on": "Said on",
    "checked_on": "Checked on",
    "claims_checked_one": "claim checked",
    "total_checked_one": "Fact check published",
    "site_sections": "Site sections",
    "share_this": "Share this fact check",
    "share_email": "Email",
    "corrections_feed": "Corrections feed",
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
    "by_claimant": "Autores con más verificaciones",
    "claimant": "Autor",
    "latest": "Últimas verificaciones",
    "all_claims": "Todas las verificaciones",
    "claims": "Verificaciones",
    "claimants": "Autores",
    "experts_index": "Expertos",
    "tags_index": "Temas",
    "sources_index": "Fuentes",
    "cited_by": "Citada en",
    "and_more": "y {count} más",
    "date_range": "Afirmaciones hechas",
    "quotes_by": "Citas",
    "on_claim": "Sobre la afirmación",
    "filter": "Filtrar la lista",
    "filter_placeholder": "Escriba una palabra, un nombre o un veredicto",
    "filter_status": "{shown} de {total} mostradas",
    "previous_page": "Anterior",
    "next_page": "Siguiente",
    "pages": "Páginas",
    "scale_title": "Escala de calificación",
    "scale_rating": "Calificación",
    "scale_meaning": "Qué significa",
    "feed_title": "Verificaciones",
    "feed_link": "Canal Atom",
    "download_json": "Todas las afirmaciones en JSON",
    "download_csv": "Todas las afirmaciones en CSV",
    "history": "Historial",
    "verdict_changes": "Cambios de veredicto",
    "invalid_claims": "Algunos archivos tienen errores",
    "invalid_claims_note": "Estos archivos no se publican hasta que se corrijan:",
    "preview_draft": "Borrador",
    "preview_review": "En revisión",
    "preview_embargoed": "Embargado hasta el",
    "preview_note": "Vista previa: una compilación para publicar deja esta verificación fuera de todas las "
                    "páginas, el feed, las exportaciones, el mapa del sitio y la búsqueda.",
    "said_on": "en",
    "by": "Por",
    "report_error": "Informar de un error",
    "about": "Quiénes somos",
    "contact": "Contacto",
    "funding": "Financiación",
    "methodology": "Metodología",
    "corrections_policy": "Correcciones",
    "card_claim_by": "Afirmación de {claimant}",
    "card_alt": "Verificación: {verdict}. Afirmación de {claimant}: «{claim}»",
    "site_card_kicker": "Verificaciones",
    "site_card_alt": "{site}: verificaciones",
    "per_month": "Verificaciones por mes",
    "month": "Mes",
    "withdrawn": "Retirada",
    "withdrawn_on": "Retirada el",
    "withdrawn_note": "Ya no respaldamos esta verificación. Sigue aquí, tal como se publicó, para que el "
                      "registro quede completo; su veredicto ya no cuenta en nuestro marcador.",
    "withdrawn_verdict": "Veredicto al publicarse",
    "corrections_log": "Registro de correcciones",
    "corrections_log_intro": "Todas las correcciones, cambios de veredicto y retiradas de nuestras verificaciones, "
                             "de la más reciente a la más antigua.",
    "log_correction": "Corrección",
    "log_verdict_change": "Cambio de veredicto",
    "log_withdrawal": "Retirada",
    "log_none": "Todavía no se ha corregido ninguna verificación.",
    "said": "dijo",
    "claim_made_on": "Dicho el",
    "checked_on": "Verificado el",
    "claims_checked_one": "afirmación verificada",
    "total_checked_one": "Verificación publicada",
    "site_sections": "Secciones del sitio",
    "share_this": "Compartir esta verificación",
    "share_email": "Correo electrónico",
    "corrections_feed": "Feed de correcciones",
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
    "by_claimant": "Urheber mit den meisten Faktenchecks",
    "claimant": "Urheber",
    "latest": "Neueste Faktenchecks",
    "all_claims": "Alle Faktenchecks",
    "claims": "Faktenchecks",
    "claimants": "Urheber",
    "experts_index": "Fachleute",
    "tags_index": "Themen",
    "sources_index": "Quellen",
    "cited_by": "Zitiert in",
    "and_more": "und {count} weitere",
    "date_range": "Behauptungen aus",
    "quotes_by": "Zitate",
    "on_claim": "Zur Behauptung",
    "filter": "Liste filtern",
    "filter_placeholder": "Wort, Name oder Bewertung eingeben",
    "filter_status": "{shown} von {total} angezeigt",
    "previous_page": "Zurück",
    "next_page": "Weiter",
    "pages": "Seiten",
    "scale_title": "Bewertungsskala",
    "scale_rating": "Bewertung",
    "scale_meaning": "Bedeutung",
    "feed_title": "Faktenchecks",
    "feed_link": "Atom-Feed",
    "download_json": "Alle Behauptungen als JSON",
    "download_csv": "Alle Behauptungen als CSV",
    "history": "Verlauf",
    "verdict_changes": "Änderungen der Bewertung",
    "invalid_claims": "Einige Dateien enthalten Fehler",
    "invalid_claims_note": "Diese Dateien werden erst nach der Korrektur veröffentlicht:",
    "preview_draft": "Entwurf",
    "preview_review": "In Prüfung",
    "preview_embargoed": "Sperrfrist bis",
    "preview_note": "Eine Vorschau: Ein Build zur Veröffentlichung lässt diesen Faktencheck aus allen "
                    "Seiten, dem Feed, den Exporten, der Sitemap und der Suche heraus.",
    "said_on": "auf",
    "by": "Von",
    "report_error": "Fehler melden",
    "about": "Wer wir sind",
    "contact": "Kontakt",
    "funding": "Finanzierung",
    "methodology": "Methodik",
    "corrections_policy": "Korrekturen",
    "card_claim_by": "Behauptung von {claimant}",
    "card_alt": "Faktencheck: {verdict}. Behauptung von {claimant}: „{claim}“",
    "site_card_kicker": "Faktenchecks",
    "site_card_alt": "{site}: Faktenchecks",
    "per_month": "Faktenchecks pro Monat",
    "month": "Monat",
    "withdrawn": "Zurückgezogen",
    "withdrawn_on": "Zurückgezogen am",
    "withdrawn_note": "Wir stehen nicht mehr hinter diesem Faktencheck. Er bleibt hier, wie er veröffentlicht "
                      "wurde, damit die Aufzeichnung vollständig bleibt; sein Urteil zählt nicht mehr in unserer "
                      "Übersicht.",
    "withdrawn_verdict": "Urteil bei Veröffentlichung",
    "corrections_log": "Korrekturprotokoll",
    "corrections_log_intro": "Alle Korrekturen, Urteilsänderungen und Rückzüge unserer Faktenchecks, "
                             "die neuesten zuerst.",
    "log_correction": "Korrektur",
    "log_verdict_change": "Urteil geändert",
    "log_withdrawal": "Zurückgezogen",
    "log_none": "Bisher wurde kein Faktencheck korrigiert.",
    "said": "sagte",
    "claim_made_on": "Gesagt am",
    "checked_on": "Geprüft am",
    "claims_checked_one": "geprüfte Behauptung",
    "total_checked_one": "Veröffentlichter Faktencheck",
    "site_sections": "Bereiche der Website",
    "share_this": "Diesen Faktencheck teilen",
    "share_email": "E-Mail",
    "corrections_feed": "Feed der Korrekturen",
}

BUNDLED: dict[str, dict[str, str]] = {"en": ENGLISH, "es": SPANISH, "de": GERMAN}


class UnknownStrings(ValueError):
    pass


def strings_for(language: str | None, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """English, then the bundled language (if any), then the site's own overrides."""
    base = dict(ENGLISH)
    base.update(BUNDLED.get((language or "en").split("-")[0].lower(), {}))
    unknown = sorted(key for key in overrides or {} if _base_key(key) not in ENGLISH)
    if unknown:
        raise UnknownStrings(
            f"unknown string key(s): {', '.join(unknown)}; known keys are listed in factcheck/strings.py"
        )
    base.update({key: str(value) for key, value in (overrides or {}).items()})
    return base


# A counted phrase has its CLDR plural forms as keys: "claims_checked" is the "other" form,
# "claims_checked_one" (or _zero, _two, _few, _many) the others a language needs; a site
# writing in Polish adds claims_checked_few and claims_checked_many in `strings`.
_PLURAL_SUFFIX = re.compile(r"_(zero|one|two|few|many)$")


def _base_key(key: str) -> str:
    base = _PLURAL_SUFFIX.sub("", key)
    return base if base != key and base in ENGLISH else key


@lru_cache(maxsize=32)
def _plural_form(language: str, count: int) -> str:
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return str(locale.plural_form(count))


def counted(strings: Mapping[str, str], key: str, count: int, language: str | None) -> str:
    """The words for ``count`` of something, by the language's plural rules (Babel's CLDR data):
    ``counted(t, "claims_checked", 1, "en")`` is "claim checked"."""
    form = _plural_form(language or "en", count)
    return strings.get(f"{key}_{form}", strings[key]) if form != "other" else strings[key]
