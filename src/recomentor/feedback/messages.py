"""The feedback request e-mail in French and English (plain text), and whom to write in which."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Final

from recomentor.text import language_codes, normalise

LANGUAGES: Final = ("en", "fr")
_CONTROL = re.compile(r"[\x00-\x1F\x7F-\x9F]")
_WEEK = re.compile(r"week-(\d+)")
_ENGLISH_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Spelled out here: the C library's month names depend on the machine's locale.
_FRENCH_MONTHS: Final = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def person_language(languages: str | None, default: str) -> str:
    """French or English when the person's stated languages include exactly one of them;
    otherwise (both, neither, none stated) the program's default (RECOMENTOR_LANG)."""
    spoken = [code for code in language_codes(languages) if code in LANGUAGES]
    return spoken[0] if len(spoken) == 1 else default


@dataclass(frozen=True)
class _Template:
    subject: str
    reminder_prefix: str
    greeting: str
    greeting_named: str
    body: str
    checkins: dict[str, str]
    week: str


_TEMPLATES: Final = {
    "en": _Template(
        subject="How is your mentoring pairing going? ({checkin})",
        reminder_prefix="Reminder: ",
        greeting="Hello,",
        greeting_named="Hello {name},",
        body=(
            "How is your mentoring pairing going? Two minutes of your time help the program "
            "match the next pairs better.\n\n"
            "Check-in: {checkin}\n\n"
            "{link}\n\n"
            "This link is yours alone: please do not forward it. You can come back to it and "
            "change your answer until {until}.\n\n"
            "Thank you,\n"
            "The mentoring program team\n"
        ),
        checkins={"end": "end of the program"},
        week="week {n}",
    ),
    "fr": _Template(
        subject="Votre binôme de mentorat : où en êtes-vous ? ({checkin})",
        reminder_prefix="Rappel : ",
        greeting="Bonjour,",
        greeting_named="Bonjour {name},",
        body=(
            "Comment se passe votre binôme de mentorat ? Deux minutes de votre temps aident le "
            "programme à mieux former les prochains binômes.\n\n"
            "Étape : {checkin}\n\n"
            "{link}\n\n"
            "Ce lien est personnel : merci de ne pas le transférer. Vous pouvez y revenir et "
            "modifier votre réponse jusqu'au {until}.\n\n"
            "Merci,\n"
            "L'équipe du programme de mentorat\n"
        ),
        checkins={"end": "fin du programme"},
        week="semaine {n}",
    ),
}


def checkin_label(checkin: str, language: str) -> str:
    """A check-in name as the person reads it: `week-4` -> week 4 / semaine 4."""
    template = _TEMPLATES[language]
    if checkin in template.checkins:
        return template.checkins[checkin]
    week = _WEEK.fullmatch(checkin)
    return template.week.format(n=week.group(1)) if week else checkin


def long_date(moment: datetime, language: str) -> str:
    """A date as the person reads it: 2 November 2026 / 2 novembre 2026."""
    months = _FRENCH_MONTHS if language == "fr" else _ENGLISH_MONTHS
    return f"{moment.day} {months[moment.month - 1]} {moment.year}"


def _shown_name(name: str | None) -> str | None:
    """The stored name on one line: a name is free text from a survey export."""
    if not name:
        return None
    cleaned = normalise(_CONTROL.sub(" ", name))[:200]
    return cleaned or None


@dataclass(frozen=True)
class RequestMessage:
    """One person's request: the e-mail's parts before it becomes a MIME message."""

    to: str
    name: str | None
    language: str
    checkin: str
    link: str
    open_until: datetime
    reminder: bool = False

    def subject(self) -> str:
        template = _TEMPLATES[self.language]
        subject = template.subject.format(checkin=checkin_label(self.checkin, self.language))
        return template.reminder_prefix + subject if self.reminder else subject

    def text(self) -> str:
        template = _TEMPLATES[self.language]
        name = _shown_name(self.name)
        greeting = template.greeting_named.format(name=name) if name else template.greeting
        body = template.body.format(
            checkin=checkin_label(self.checkin, self.language),
            link=self.link,
            until=long_date(self.open_until, self.language),
        )
        return f"{greeting}\n\n{body}"

    def email(self, sender: str) -> EmailMessage:
        """The MIME message; ValueError when the stored address cannot be a header."""
        message = EmailMessage()
        message["From"] = sender
        # The address alone: a display name would carry survey text into a header.
        message["To"] = self.to
        message["Subject"] = self.subject()
        message["Date"] = formatdate(localtime=False)
        domain = parseaddr(sender)[1].rpartition("@")[2]
        message["Message-ID"] = make_msgid(domain=domain or None)
        # Out-of-office robots do not answer an automatic message.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(self.text())
        # After set_content, which replaces every Content-* header.
        message["Content-Language"] = self.language
        return message
