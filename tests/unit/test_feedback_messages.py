"""The request e-mail and its settings: whom to write in which language, what survey text may
do to a message, and configuration refused with the variable named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recomentor.errors import InvalidInputError
from recomentor.feedback.mailer import SmtpConfig
from recomentor.feedback.messages import RequestMessage, checkin_label, person_language
from recomentor.feedback.tokens import checked_public_url, new_token, token_hash, well_formed
from recomentor.settings import Settings

UNTIL = datetime(2027, 1, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("languages", "default", "expected"),
    [
        ("fr", "en", "fr"),
        ("Français; Espagnol", "en", "fr"),
        ("english", "fr", "en"),
        ("en;fr", "fr", "fr"),  # both: the program's default
        ("de", "fr", "fr"),
        (None, "en", "en"),
    ],
)
def test_the_persons_language_else_the_programs(languages, default, expected) -> None:
    assert person_language(languages, default) == expected


def test_check_in_names_read_as_words() -> None:
    assert [checkin_label(c, "fr") for c in ("end", "week-4", "kick-off")] == [
        "fin du programme",
        "semaine 4",
        "kick-off",
    ]
    assert checkin_label("week-12", "en") == "week 12"


def _message(**changes: object) -> RequestMessage:
    fields = {
        "to": "s1@example.com",
        "name": "Serge",
        "language": "en",
        "checkin": "end",
        "link": "https://m.example.com/feedback/abc",
        "open_until": UNTIL,
    }
    return RequestMessage(**{**fields, **changes})  # type: ignore[arg-type]


def test_survey_text_stays_in_the_body_on_one_line() -> None:
    message = _message(name="Serge\r\nBcc: all@example.com\x1b[31m")
    email = message.email("Mentoring <mentoring@example.com>")
    assert email["Bcc"] is None
    first_line = email.get_content().splitlines()[0]
    assert first_line == "Hello Serge Bcc: all@example.com [31m,"
    assert email["Message-ID"].endswith("@example.com>")
    assert "31 January 2027" in email.get_content()


def test_an_address_that_would_inject_headers_is_refused() -> None:
    with pytest.raises(ValueError):
        _message(to="s1@example.com\r\nBcc: all@example.com").email("m@example.com")


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(well_formed(t) for t in tokens)
    token = next(iter(tokens))
    assert len(token_hash(token)) == 64 and token not in token_hash(token)
    assert not well_formed(token + "x") and not well_formed("a/b" * 15)


def test_mail_settings_come_from_the_environment_and_are_checked() -> None:
    settings = Settings.from_env(
        {
            "RECOMENTOR_SMTP_HOST": "smtp.example.com",
            "RECOMENTOR_SMTP_PORT": "2525",
            "RECOMENTOR_SMTP_USER": "mailer",
            "RECOMENTOR_SMTP_PASSWORD": " secret ",
            "RECOMENTOR_SMTP_FROM": "mentoring@example.com",
            "RECOMENTOR_PUBLIC_URL": "https://mentoring.example.com/",
            "RECOMENTOR_MAIL_PER_SECOND": "2.5",
            "RECOMENTOR_FEEDBACK_LINK_DAYS": "10",
        }
    )
    config = SmtpConfig.from_settings(settings)
    assert (config.host, config.port, config.user, config.password) == (
        "smtp.example.com",
        2525,
        "mailer",
        " secret ",
    )
    assert "secret" not in repr(settings) and "secret" not in repr(config)
    assert (settings.mail_per_second, settings.feedback_link_days) == (2.5, 10)
    assert checked_public_url(settings.public_url) == "https://mentoring.example.com"
    refusals = [
        ({"RECOMENTOR_SMTP_FROM": "m@example.com"}, "RECOMENTOR_SMTP_HOST is not set"),
        ({"RECOMENTOR_SMTP_HOST": "h", "RECOMENTOR_SMTP_PORT": "0"}, "RECOMENTOR_SMTP_PORT"),
        ({"RECOMENTOR_SMTP_HOST": "h"}, "RECOMENTOR_SMTP_FROM must be"),
    ]
    for environ, message in refusals:
        with pytest.raises(InvalidInputError, match=message):
            SmtpConfig.from_settings(Settings.from_env(environ))
    for url in ("mentoring.example.com", "ftp://x", "https://x/?a=1", "https://"):
        with pytest.raises(InvalidInputError, match="RECOMENTOR_PUBLIC_URL must be"):
            checked_public_url(url)
