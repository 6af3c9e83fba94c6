"""Why each session, host and attendee, and why a learner has no session, in EN and FR."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import msgspec

from recomentor.matching.cohort import exclusion_words
from recomentor.ranking.explain import check_lang
from recomentor.sessions.hosts import SkillMatch
from recomentor.sessions.topics import TopicPhrase, topic_name
from recomentor.typography import typeset

# Why a learner has no session: stable codes.
AT_LIMIT: Final = "session_limit_reached"
GOAL_NOT_SHARED: Final = "goal_not_shared"
NO_ELIGIBLE_HOST: Final = "no_eligible_host"
SESSIONS_TAKEN: Final = "sessions_taken"
# Why a host whose skills cover a topic still cannot host one of its askers, beside the
# pairing's reasons: their skills come too far from this asker's own phrases.
GOAL_NOT_COVERED: Final = "goal_not_covered"
UNASSIGNED_REASONS: Final = (AT_LIMIT, GOAL_NOT_SHARED, NO_ELIGIBLE_HOST, SESSIONS_TAKEN)
_SHOWN_PHRASES: Final = 5

_WORDS: Final = {
    "en": {
        "summary": "{asked} learners asked for {topic}; {host} covers it ({similarity}: {match})",
        "summary_no_match": "{asked} learners asked for {topic}; {host} hosts it",
        AT_LIMIT: "already attends {limit} approved sessions, their limit",
        GOAL_NOT_SHARED: (
            "none of their goals is shared by enough learners for a session (at least {count})"
        ),
        GOAL_NOT_COVERED: "skills too far from their goals",
        "no_host_skills": "no junior's skills cover their topics ({topics})",
        NO_ELIGIBLE_HOST: "no host whose skills cover their topics may host them ({reasons})",
        SESSIONS_TAKEN: (
            "every session they could join ({count}) was filled by learners it covers better, "
            "too small to hold, or in a slot they were busy"
        ),
        "hosts_elsewhere": (
            "the hosts who may host them were needed for learners they cover better, or could "
            "not gather enough attendees"
        ),
    },
    "fr": {
        "summary": (
            "{asked} apprenants ont demandé {topic} ; {host} le couvre ({similarity} : {match})"
        ),
        "summary_no_match": "{asked} apprenants ont demandé {topic} ; {host} l'anime",
        AT_LIMIT: "participe déjà à {limit} séances approuvées, sa limite",
        GOAL_NOT_SHARED: (
            "aucun de ses objectifs n'est partagé par assez d'apprenants pour une séance "
            "(au moins {count})"
        ),
        GOAL_NOT_COVERED: "compétences trop éloignées de ses objectifs",
        "no_host_skills": "les compétences d'aucun junior ne couvrent ses sujets ({topics})",
        NO_ELIGIBLE_HOST: (
            "aucun junior dont les compétences couvrent ses sujets ne peut l'accueillir ({reasons})"
        ),
        SESSIONS_TAKEN: (
            "chaque séance possible ({count}) était remplie par des apprenants mieux couverts, "
            "trop petite pour avoir lieu ou sur un créneau déjà pris"
        ),
        "hosts_elsewhere": (
            "les animateurs possibles étaient nécessaires à des apprenants qu'ils couvrent mieux "
            "ou ne réunissaient pas assez de participants"
        ),
    },
}


_QUOTES: Final = {"en": ("“", "”"), "fr": ("« ", " »")}


def _decimal(value: float, lang: str) -> str:
    """0.78 in English, 0,78 in French."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def quoted(text: str, lang: str) -> str:
    """A topic's name inside the quotation marks of `lang`."""
    opening, closing = _QUOTES[check_lang(lang)]
    return f"{opening}{text}{closing}"


class TopicWhy(msgspec.Struct, frozen=True):
    """Why this topic: how many learners asked for it, and the phrases they wrote."""

    asked: int
    phrases: list[str]


class HostWhy(msgspec.Struct, frozen=True):
    """Why this host: their skill phrases' coverage of the topic's phrases, averaged over the
    askers, and their best skill -> goal phrase matches."""

    similarity: float
    matches: list[SkillMatch]


class AttendeeWhy(msgspec.Struct, frozen=True):
    """The attendee's goal the session covers, the host's skill that covers it, and how well:
    `similarity` is the attendee's share of the plan's objective."""

    id: str
    goal: str
    skill: str
    similarity: float


class SessionExplanation(msgspec.Struct, frozen=True):
    summary: str
    topic: TopicWhy
    host: HostWhy
    attendees: list[AttendeeWhy]
    coverage: float  # the attendees' similarities added up


class PlannedSession(msgspec.Struct, frozen=True):
    """One session of a plan: the documented JSON of the CLI and the API."""

    id: str
    topic: str
    host_id: str
    attendee_ids: list[str]
    slot: str | None
    explanation: SessionExplanation


class UnassignedLearner(msgspec.Struct, frozen=True):
    id: str
    reason: str  # a stable code of UNASSIGNED_REASONS
    detail: str  # one sentence with the facts behind the reason, in the plan's language


def explain_session(
    session_id: str,
    phrases: list[TopicPhrase],
    host_id: str,
    host_similarity: float,
    host_matches: list[SkillMatch],
    attendees: list[AttendeeWhy],
    slot: str | None,
    lang: str,
) -> PlannedSession:
    """A session as a reader sees it; built when read, so erasing an asker updates it."""
    words = _WORDS[check_lang(lang)]
    name = topic_name(phrases)
    asked = len({person for phrase in phrases for person in phrase.askers})
    if host_matches:
        best = host_matches[0]
        summary = words["summary"].format(
            asked=asked,
            topic=quoted(name, lang),
            host=host_id,
            similarity=_decimal(best.similarity, lang),
            match=f"{best.skill} ↔ {best.goal}",
        )
    else:
        summary = words["summary_no_match"].format(
            asked=asked, topic=quoted(name, lang), host=host_id
        )
    explanation = SessionExplanation(
        summary=typeset(summary, lang),
        topic=TopicWhy(asked, [p.text for p in phrases[:_SHOWN_PHRASES]]),
        host=HostWhy(host_similarity, host_matches),
        attendees=attendees,
        coverage=round(sum(a.similarity for a in attendees), 4),
    )
    return PlannedSession(
        id=session_id,
        topic=name,
        host_id=host_id,
        attendee_ids=[a.id for a in attendees],
        slot=slot,
        explanation=explanation,
    )


def at_limit(person_id: str, limit: int, lang: str) -> UnassignedLearner:
    detail = _WORDS[check_lang(lang)][AT_LIMIT].format(limit=limit)
    return UnassignedLearner(person_id, AT_LIMIT, detail)


def goal_not_shared(person_id: str, min_demand: int, lang: str) -> UnassignedLearner:
    detail = _WORDS[check_lang(lang)][GOAL_NOT_SHARED].format(count=min_demand)
    return UnassignedLearner(person_id, GOAL_NOT_SHARED, detail)


def no_eligible_host(
    person_id: str, topics: list[str], exclusions: Mapping[str, int], lang: str
) -> UnassignedLearner:
    """No candidate session: no host's skills cover the topics, or the hosts whose skills do
    may not host this person (counted by reason, in the words of the pairing's reasons)."""
    words = _WORDS[check_lang(lang)]
    reasons = ", ".join(
        f"{count} {words.get(name) or exclusion_words(name, lang)}"
        for name, count in exclusions.items()
        if count
    )
    if not reasons:
        detail = words["no_host_skills"].format(topics="; ".join(quoted(t, lang) for t in topics))
    else:
        detail = words[NO_ELIGIBLE_HOST].format(reasons=reasons)
    return UnassignedLearner(person_id, NO_ELIGIBLE_HOST, typeset(detail, lang))


def sessions_taken(person_id: str, count: int, lang: str) -> UnassignedLearner:
    """Sessions were open to them (`count`), or hosts who may host them were left to others."""
    key = SESSIONS_TAKEN if count else "hosts_elsewhere"
    detail = _WORDS[check_lang(lang)][key].format(count=count)
    return UnassignedLearner(person_id, SESSIONS_TAKEN, detail)
