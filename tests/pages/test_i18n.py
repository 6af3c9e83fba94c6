"""French and English: the language of a page, and catalogs complete in both."""

from __future__ import annotations

import html
import re

from litestar.testing import TestClient

from recomentor.accounts.roles import ROLES
from recomentor.accounts.scopes import SCOPES
from recomentor.fields import ROLES as ROLES_OF_PARTICIPANTS
from recomentor.web.i18n import LANGS, catalogs, from_accept_language
from recomentor.web.templates import TEMPLATES_DIR
from tests.web_client import SignIn

# Literal keys only: `t("admin.role_" ~ role)` builds its key from the catalog's own values.
_USED_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]*[a-z0-9])["']""")


def test_every_key_exists_in_both_languages() -> None:
    keys = {lang: set(catalogs()[lang]) for lang in LANGS}
    assert keys["en"] == keys["fr"]
    assert all(text.strip() for lang in LANGS for text in catalogs()[lang].values())


def test_every_key_a_template_names_exists() -> None:
    used = {
        key
        for path in TEMPLATES_DIR.rglob("*.html")
        for key in _USED_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert used and used - set(catalogs()["en"]) == set()


def test_accept_language_preference() -> None:
    assert from_accept_language("fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert from_accept_language("de-DE,en;q=0.5,fr;q=0.7") == "fr"
    assert from_accept_language("de, it") is None
    assert from_accept_language("en;q=bad, fr;q=0") is None


def test_language_by_accept_language_then_by_switch(client: TestClient) -> None:
    french = client.get("/sign-in", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in french.text and "Mot de passe" in french.text
    assert '<html lang="en">' in client.get("/sign-in").text
    switched = client.get("/lang/en?next=/sign-in", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/sign-in"
    assert "lang=en" in switched.headers["set-cookie"]
    # The choice made with the switch beats the browser's preference.
    english = client.get("/sign-in", headers={"Accept-Language": "fr"})
    assert "Password" in english.text
    assert (
        client.get("/lang/en?next=https://evil.example", follow_redirects=False).headers["location"]
        == "/"
    )


def test_signed_in_pages_speak_french_too(signed_in: SignIn) -> None:
    admin = signed_in("admin")
    admin.get("/lang/fr")
    overview = html.unescape(admin.get("/").text)
    assert "Vue d'ensemble" in overview and "Se déconnecter" in overview
    assert 'href="/lang/en?next=%2F"' in overview
    assert "Utilisateurs" in admin.get("/admin/users").text


def test_keys_built_from_values_exist() -> None:
    english = catalogs()["en"]
    built = [f"admin.role_{role}" for role in ROLES] + [f"admin.scope_{s}" for s in SCOPES]
    built += [f"overview.role_{role}" for role in ROLES_OF_PARTICIPANTS]
    built += [f"overview.kind_{kind}" for kind in ("heuristic", "learned")]
    assert [key for key in built if key not in english] == []
