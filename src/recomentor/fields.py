"""Canonical field names and allowed values, named once for the whole code base."""

from __future__ import annotations

from typing import Final

ID: Final = "id"
NAME: Final = "name"
EMAIL: Final = "email"
DEPARTMENT: Final = "department"
JOB_TITLE: Final = "job_title"
YEARS_EXPERIENCE: Final = "years_experience"
ROLE: Final = "role"
SKILLS: Final = "skills"
GOALS: Final = "goals"
LANGUAGES: Final = "languages"
LOCATION: Final = "location"
MAX_MENTEES: Final = "max_mentees"
MANAGER_ID: Final = "manager_id"
SUBMITTED_AT: Final = "submitted_at"

PARTICIPANT_FIELDS: Final = (
    ID,
    NAME,
    EMAIL,
    DEPARTMENT,
    JOB_TITLE,
    YEARS_EXPERIENCE,
    ROLE,
    SKILLS,
    GOALS,
    LANGUAGES,
    LOCATION,
    MAX_MENTEES,
    MANAGER_ID,
    SUBMITTED_AT,
)
REQUIRED_PARTICIPANT_FIELDS: Final = (ID, DEPARTMENT, YEARS_EXPERIENCE, ROLE)
# A participant's typed answers to further questions (recomentor.attributes), by name; not a
# column of an export: a mapping's [attributes] fill it.
ATTRIBUTES: Final = "attributes"
# Personal data: never logged, removed on erasure.
PERSONAL_FIELDS: Final = (NAME, EMAIL, SKILLS, GOALS)

MENTOR: Final = "mentor"
MENTEE: Final = "mentee"
BOTH: Final = "both"
ROLES: Final = (MENTOR, MENTEE, BOTH)

MENTOR_ID: Final = "mentor_id"
MENTEE_ID: Final = "mentee_id"
RATING: Final = "rating"
OUTCOME: Final = "outcome"
FEEDBACK_FIELDS: Final = (MENTOR_ID, MENTEE_ID, RATING, OUTCOME, SUBMITTED_AT)
REQUIRED_FEEDBACK_FIELDS: Final = (MENTOR_ID, MENTEE_ID, RATING)
OUTCOMES: Final = ("completed", "ongoing", "dropped")

REVERSE: Final = "reverse"
CLASSIC: Final = "classic"
MUTUAL: Final = "mutual"
MODES: Final = (REVERSE, CLASSIC, MUTUAL)

DEFAULT_MAX_MENTEES: Final = 1
