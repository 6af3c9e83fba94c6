"""Sending feedback requests (issue 14) to a real SMTP server started by the test: one message
per person with their own link in their language, never twice, reminders only to those who
have not answered, and every failure reported without stopping the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recomentor import fields as F
from recomentor.feedback import (
    SendReport,
    open_request,
    plan_requests,
    send_requests,
    submit_answer,
)
from recomentor.feedback.mailer import SmtpConfig, SmtpMailer, Throttle
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.pairings import add_pairing
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import FeedbackRequestRow, FeedbackTokenRow
from tests.fakes import person
from tests.feedback_data import (
    MATCHING,
    PUBLIC_URL,
    SENT,
    Program,
    issue_links,
    link_settings,
    seed_program,
    token_of,
)
from tests.smtp_server import (
    HOST,
    PASSWORD,
    SENDER,
    USER,
    Collector,
    free_port,
    self_signed_tls,
    smtp_server,
)

LATER = SENT + timedelta(days=2)
EVERYONE = {f"{p}@example.com" for p in ("j1", "s1", "j2", "s2", "j3", "s3")}
_LINK = re.compile(re.escape(PUBLIC_URL) + r"/feedback/[A-Za-z0-9_-]+")


@pytest.fixture
def program(store: Store) -> Program:
    return seed_program(store)


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def port(collector: Collector) -> Iterator[int]:
    with smtp_server(collector) as port:
        yield port


def _settings(home: Path, port: int) -> Settings:
    return link_settings(
        home, smtp_host=HOST, smtp_port=port, smtp_from=SENDER, mail_per_second=1_000.0
    )


def _send(
    store: Store,
    settings: Settings,
    *,
    reminder: bool = False,
    matching_id: str | None = None,
    now=SENT,
    mailer: SmtpMailer | None = None,
) -> SendReport:
    plan = plan_requests(store, matching_id=matching_id, checkin="end", reminder=reminder, now=now)
    mailer = mailer or SmtpMailer(SmtpConfig.from_settings(settings))
    return send_requests(store, settings, plan, mailer, now)


def _link(received) -> str:
    (link,) = _LINK.findall(received.body)
    return link


def test_one_message_per_person_with_their_own_link_in_their_language(
    store: Store, program: Program, collector: Collector, port: int, tmp_path: Path
) -> None:
    report = _send(store, _settings(tmp_path / "home", port))

    assert (report.sent, report.requests_created, report.pairings, report.failed) == (6, 6, 3, [])
    assert sorted(a for r in collector.received for a in r.recipients) == sorted(EVERYONE)
    french = collector.to("s1@example.com")[0]
    assert french.subject == "Votre binôme de mentorat : où en êtes-vous ? (fin du programme)"
    assert french.body.startswith("Bonjour Serge Dupont,\n")
    assert "jusqu'au 2 décembre 2026" in french.body
    assert french.message["From"] == SENDER and french.message["Content-Language"] == "fr"
    # Both languages stated: the program's default (en).
    english = collector.to("s2@example.com")[0]
    assert english.subject == "How is your mentoring pairing going? (end of the program)"
    assert "until 2 December 2026" in english.body
    # Each link opens its own person's request: the partner named is the other one.
    partners = {
        "s1@example.com": "Jeanne Martin",
        "j1@example.com": "Serge Dupont",
        "j2@example.com": "Sarah O'Neil",
        "s3@example.com": "Jo Mutual",
    }
    for address, partner in partners.items():
        (received,) = collector.to(address)
        form = open_request(store, token_of(_link(received)), LATER)
        assert form.partner_name == partner
    # Plaintext tokens live in the messages only.
    with store.session() as session:
        hashes = set(session.scalars(select(FeedbackTokenRow.token_hash)))
    tokens = {token_of(_link(r)) for r in collector.received}
    assert len(hashes) == 6 and not hashes & tokens


def test_a_second_run_sends_nothing_again_and_new_pairings_only_their_own(
    store: Store, program: Program, collector: Collector, port: int, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", port)
    _send(store, settings)
    again = _send(store, settings, now=LATER)
    assert (again.sent, again.already_sent, again.requests_created) == (0, 6, 0)
    assert len(collector.received) == 6

    with store.session() as session:
        upsert_participants(
            session,
            [person("J5", years=1), person("S5", role=F.MENTEE, years=30)],
        )
        add_pairing(session, "J5", "S5", mode=F.REVERSE)
    third = _send(store, settings, now=LATER)
    # Without e-mail addresses: reported, and the others were not sent again.
    assert (third.sent, third.already_sent, third.requests_created) == (0, 6, 2)
    assert sorted((f.participant_id, f.reason) for f in third.failed) == [
        ("J5", "no e-mail address on record"),
        ("S5", "no e-mail address on record"),
    ]
    assert len(collector.received) == 6
    # A matching's pairings only.
    assert _send(store, settings, matching_id=MATCHING).pairings == 2


def test_reminders_go_only_to_those_who_have_not_answered(
    store: Store, program: Program, collector: Collector, port: int, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", port)
    _send(store, settings)
    first_links = {r.recipients[0]: _link(r) for r in collector.received}
    for address in ("s1@example.com", "j2@example.com"):
        token = token_of(first_links[address])
        submit_answer(store, token, {"rating": 4, "outcome": "ongoing", "meetings": 2}, LATER)
    collector.received.clear()

    report = _send(store, settings, reminder=True, now=LATER)

    assert (report.sent, report.answered, report.not_sent_yet) == (4, 2, 0)
    assert sorted(r.recipients[0] for r in collector.received) == sorted(
        EVERYONE - {"s1@example.com", "j2@example.com"}
    )
    assert collector.to("j1@example.com")[0].subject.startswith("Rappel : ")
    assert collector.to("s2@example.com")[0].subject.startswith("Reminder: ")
    # The reminder's link and the first one both open the request.
    reminder_link = _link(collector.to("j1@example.com")[0])
    assert reminder_link != first_links["j1@example.com"]
    for link in (reminder_link, first_links["j1@example.com"]):
        assert open_request(store, token_of(link), LATER).partner_name == "Serge Dupont"
    with store.session() as session:
        counts = dict(
            session.execute(
                select(FeedbackRequestRow.participant_id, FeedbackRequestRow.reminders)
            ).all()
        )
    assert counts == {"J1": 1, "S1": 0, "J2": 0, "S2": 1, "J3": 1, "S3": 1}


def test_links_handed_out_in_a_csv_are_not_e_mailed_again_but_reminded(
    store: Store, program: Program, collector: Collector, port: int, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", port)
    listed = issue_links(store, settings, tmp_path)
    first = _send(store, settings, now=LATER)
    assert (first.sent, first.already_sent, collector.received) == (0, 6, [])
    reminded = _send(store, settings, reminder=True, now=LATER)
    assert (reminded.sent, reminded.not_sent_yet) == (6, 0)
    # The mail merge's link and the reminder's open the same request.
    (received,) = collector.to("s1@example.com")
    for token in (listed["S1"], token_of(_link(received))):
        assert open_request(store, token, LATER).partner_name == "Jeanne Martin"


def test_a_refused_address_fails_alone_and_is_tried_again_next_time(
    store: Store, program: Program, collector: Collector, port: int, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", port)
    collector.refused = {"j2@example.com"}

    report = _send(store, settings)

    assert report.sent == 5
    assert [(f.participant_id, f.reason) for f in report.failed] == [
        ("J2", "the SMTP server refused the recipient address (SMTP code 550)")
    ]
    # No reason quotes the address or the server's text.
    assert "example.com" not in report.failed[0].reason
    collector.refused.clear()
    retry = _send(store, settings, now=LATER)
    assert (retry.sent, retry.already_sent) == (1, 5)
    assert collector.to("j2@example.com")


def test_with_the_server_down_each_message_fails_with_a_clear_reason(
    store: Store, program: Program, collector: Collector, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", free_port())

    report = _send(store, settings)

    assert report.sent == 0 and len(report.failed) == 6
    assert {f.reason for f in report.failed} == {
        "cannot connect to the SMTP server (ConnectionRefusedError)"
    }
    with store.session() as session:
        tokens = session.scalar(select(func.count()).select_from(FeedbackTokenRow))
        sent = session.scalar(select(func.count()).where(FeedbackRequestRow.sent_at.is_not(None)))
    assert (tokens, sent) == (0, 0)
    # Back up: everyone gets their request.
    with smtp_server(collector) as port:
        assert _send(store, replace(settings, smtp_port=port), now=LATER).sent == 6
    assert len(collector.received) == 6


def test_starttls_and_login_when_the_server_offers_them(
    store: Store, program: Program, tmp_path: Path
) -> None:
    pytest.importorskip("cryptography", reason="the test certificate is made with cryptography")
    server_tls, client_tls = self_signed_tls(tmp_path)
    collector = Collector()
    with smtp_server(collector, tls=server_tls) as port:
        settings = replace(
            _settings(tmp_path / "home", port), smtp_user=USER, smtp_password=PASSWORD
        )
        mailer = SmtpMailer(SmtpConfig.from_settings(settings), tls=client_tls)
        report = _send(store, settings, matching_id=MATCHING, mailer=mailer)
    assert (report.sent, report.failed) == (4, [])
    assert all(r.encrypted and r.authenticated for r in collector.received)


def test_no_password_over_a_connection_without_starttls(
    store: Store, program: Program, collector: Collector, port: int, tmp_path: Path
) -> None:
    settings = replace(_settings(tmp_path / "home", port), smtp_user=USER, smtp_password=PASSWORD)
    report = _send(store, settings)
    assert {f.reason for f in report.failed} == {
        "the SMTP server offers no STARTTLS: the password is not sent in clear"
    }
    assert collector.received == []


def test_the_throttle_spaces_messages_at_the_configured_rate() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        throttle.wait()
    assert slept == [0.25, 0.25]
    now[0] += 10  # a slow message leaves nothing to wait for
    throttle.wait()
    assert slept == [0.25, 0.25]
