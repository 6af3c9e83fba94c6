"""Jinja set-up of the pages: autoescaped templates under web/templates, and the functions
every template can call (`t`, `can`, `user`, `csrf_secret`, `flashes`, `lang_url`, `score`,
`match_words`), and the filters writing numbers in the page's language (`number`, `percent`,
`bar_width`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from recomentor import __version__
from recomentor.accounts.roles import allows
from recomentor.api.runtime import Runtime
from recomentor.ranking.explain import label_words
from recomentor.typography import typeset
from recomentor.web.explanations import bar_width
from recomentor.web.guards import signed_in
from recomentor.web.i18n import LANG_COOKIE, LANGS, choose_lang, translate
from recomentor.web.numbers import number, percent
from recomentor.web.session import shown_flashes

TEMPLATES_DIR = Path(__file__).parent / "templates"
_LANG_STATE = "page_lang"


def page_lang(request: Request[Any, Any, Any]) -> str:
    """The language of this request's page, chosen once (see i18n.choose_lang)."""
    state = request.scope["state"]
    if _LANG_STATE not in state:
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        default = runtime.settings.lang if runtime else "en"
        state[_LANG_STATE] = choose_lang(
            request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language", ""), default
        )
    return str(state[_LANG_STATE])


def set_page_lang(request: Request[Any, Any, Any], lang: str) -> None:
    """For a page whose language is not the browser's: a feedback link speaks its person's."""
    request.scope["state"][_LANG_STATE] = lang


def page(name: str, status: int = 200, **context: Any) -> Template:
    """The response of a page handler: template `name` (e.g. "overview/index.html")."""
    return Template(template_name=name, context=context, status_code=status)


def _request(context: Context) -> Request[Any, Any, Any]:
    request: Request[Any, Any, Any] = context["request"]
    return request


@pass_context
def _t(context: Context, key: str, **params: Any) -> str:
    return translate(page_lang(_request(context)), key, **params)


@pass_context
def _lang(context: Context) -> str:
    return page_lang(_request(context))


@pass_context
def _number(context: Context, value: float | None, spec: str = ",") -> str:
    """`{{ 3.456 | number(".1f") }}`: 3.5, or 3,5 on a French page; `spec` as Python's."""
    return number(value, page_lang(_request(context)), spec)


@pass_context
def _percent(context: Context, share: float | None, digits: int = 0) -> str:
    """`{{ 0.45 | percent }}`: 45%, or 45 % on a French page."""
    return percent(share, page_lang(_request(context)), digits)


@pass_context
def _score(context: Context, value: float) -> str:
    """A pair's score in two decimals, cut rather than rounded: a 0.449 "Fair" pair never reads
    0.45, the line of "Good" (ranking/labels.py), beside its label."""
    cut = math.floor(value * 100 + 1e-9) / 100 if math.isfinite(value) else value
    return number(cut, page_lang(_request(context)), ".2f")


@pass_context
def _colon(context: Context) -> str:
    """A colon written into a template after a label, spaced as the page's language wants."""
    return typeset("a:", page_lang(_request(context)))[1:]


@pass_context
def _match_words(context: Context, label: str) -> str:
    """A match label in the words the summaries use ("Good match", "Bonne correspondance")."""
    return label_words(label, page_lang(_request(context)))


@pass_context
def _user(context: Context) -> Any:
    session = signed_in(_request(context))
    return session.user if session else None


@pass_context
def _can(context: Context, permission: str) -> bool:
    session = signed_in(_request(context))
    return session is not None and allows(session.user.role, permission)


@pass_context
def _csrf_secret(context: Context) -> str:
    session = signed_in(_request(context))
    return session.csrf_secret if session else ""


@pass_context
def _flashes(context: Context) -> list[tuple[str, str]]:
    """(level, text) of the messages left for this page, in its language."""
    request = _request(context)
    session = signed_in(request)
    if session is None or not session.flashes:
        return []
    return shown_flashes(request.app.state.runtime, session.flashes, page_lang(request))


@pass_context
def _lang_url(context: Context, lang: str) -> str:
    """The switch link: sets the `lang` cookie, then back to this page."""
    url = _request(context).url
    here = url.path + (f"?{url.query}" if url.query else "")
    return f"/lang/{lang}?{urlencode({'next': here})}"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        # A misspelt variable fails the page's test instead of rendering as nothing.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(number=_number, percent=_percent, bar_width=bar_width)
    environment.globals.update(
        t=_t,
        lang=_lang,
        user=_user,
        can=_can,
        csrf_secret=_csrf_secret,
        flashes=_flashes,
        lang_url=_lang_url,
        score=_score,
        match_words=_match_words,
        colon=_colon,
        langs=LANGS,
        version=__version__,
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))
