"""Page links of long lists (templates/pagination.html)."""

MESSAGES = {
    "en": {
        "label": "Pages",
        "previous": "‹ Previous",
        "next": "Next ›",
        "range": "{first}–{last} of {total}",
    },
    "fr": {
        "label": "Pages",
        "previous": "‹ Précédente",
        "next": "Suivante ›",
        "range": "{first} à {last} sur {total}",
    },
}
