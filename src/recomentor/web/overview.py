"""/: the program at a glance."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from recomentor import fields as F
from recomentor.accounts.roles import VIEW
from recomentor.api.runtime import Runtime
from recomentor.overview import program_overview
from recomentor.ranking.rank import describe_scorer
from recomentor.web.guards import PERMISSION
from recomentor.web.templates import page


@get("/", opt={PERMISSION: VIEW}, sync_to_thread=True, include_in_schema=False)
def overview(runtime: NamedDependency[Runtime]) -> Template:
    """Participants by role and department, pairings in force, the scorer, drafts to approve."""
    return page(
        "overview/index.html",
        overview=program_overview(runtime.store),
        scorer=describe_scorer(runtime.scorer),
        participant_roles=F.ROLES,
    )
