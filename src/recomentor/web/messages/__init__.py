"""Message catalogs, one module per feature (see recomentor.web.i18n)."""
