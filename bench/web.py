"""Benchmark: every web page at 10,000 participants, served by `recomentor serve` on loopback.

What a request costs is measured from outside, as a browser would see it: one signed-in client
asks each page in turn over keep-alive HTTP on 127.0.0.1, one request at a time, so nothing
queues behind anything else. The wall time per request is an upper bound of the server's time
(it also holds the loopback round trip and httpx's parsing, well under a millisecond).
Each page is asked `--requests` times in rounds that visit every page once, so a slow spell
of a shared machine falls on all pages alike; its first answers (templates, the roster built
from the embedding cache) are timed apart and not counted.

The data home (`--home`, default bench/.cache/web-home, gitignored) is kept between runs: the
participants, pairings, matchings, feedback, the bench's account and, above all, the embedding
cache (keyed by model and text) are made once. With the real model (the default, used for the
reported numbers) the first run encodes every answer: minutes on two cores. `--encoder fake`
uses the tests' deterministic encoder for a quick run; it needs an app built in-process, so
that server runs the same app under uvicorn from this script instead of `recomentor serve`.

Pages are listed in PAGES: a route the app does not have (yet) is skipped with a note.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report

from recomentor import fields as F
from recomentor.accounts.users import UnknownUserError, find_user_id
from recomentor.embeddings import SentenceEncoder, TextEncoder
from recomentor.feedback import FeedbackAnswer, export_links, plan_requests, submit_answer
from recomentor.feedback.sending import RequestPlan
from recomentor.matching.pairings import end_pairing, list_pairings
from recomentor.matching.service import approve_matching, create_matching
from recomentor.matching.solver import PARTICIPATION, SCORE
from recomentor.ranking.features import FEATURE_NAMES
from recomentor.ranking.roster import load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.apikeys import create_key
from recomentor.store.pairings import ACTIVE
from recomentor.store.participants import count_participants
from recomentor.store.tables import ParticipantRow, utcnow
from recomentor.survey import import_feedback, import_participants
from recomentor.synth import write_synthetic
from recomentor.training import TrainingConfig, train_and_register
from recomentor.training.registry import load_scorer

ROOT = Path(__file__).resolve().parents[1]
HOME = Path(__file__).resolve().parent / ".cache" / "web-home"
PAGE_TARGET_MS = 300.0
PERSON_TARGET_MS = 500.0
# The first wave of the program: matched and approved before the rest answered the survey.
FIRST_WAVE = 2_000
PAST_FEEDBACK = 2_000
ENDED_PAIRINGS = 60
BENCH_EMAIL = "bench-web@example.org"
# A throw-away account in the bench's own data home, served on loopback only.
BENCH_PASSWORD = "bench-web-password"
FAKE_MODEL_ID = "fake/trigram-384"
SEED_FILE = "seeded.json"
CHECKIN = "week-4"
ANSWERED_SHARE = 0.6
FEEDBACK_LINKS_ASKED = 6
DRAFT_MENTEES_ASKED = 4
PLOTS_ASKED = 3


@dataclass
class Seeded:
    """What the pages are asked about: ids picked from the seeded home."""

    participants: int
    seed: int
    # The encoder whose embeddings the seeded matchings were made with (the first run's).
    matched_with: str
    mentees: list[str] = field(default_factory=list)
    mentors: list[str] = field(default_factory=list)
    paired: list[str] = field(default_factory=list)
    approved_matching: str = ""
    draft_matching: str = ""
    active_pairings: int = 0
    everyone_draft: str = ""
    # Mentees of that draft, paired in it but the last (unpaired): whose mentor to replace.
    everyone_draft_mentees: list[str] = field(default_factory=list)
    model_version: int = 0
    # Tokens of feedback links made for this run (a reminder: they have not been answered).
    feedback_links: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PageCase:
    """One page: its route as the app declares it (to skip pages not built yet), the URLs to
    ask (varied queries and people), and its p95 target."""

    name: str
    route: str
    urls: Callable[[Seeded], dict[str, str]]
    target_ms: float = PAGE_TARGET_MS
    signed_in: bool = True


def _person_urls(seeded: Seeded) -> dict[str, str]:
    people = [*seeded.mentees[:2], *seeded.mentors[:1], *seeded.paired[:1]]
    return {
        f"{person} {mode}": f"/participants/{quote(person)}?mode={mode}"
        for person in people
        for mode in F.MODES
    }


def _participants_urls(seeded: Seeded) -> dict[str, str]:
    last_page = -(-seeded.participants // 50)
    return {
        "no filter": "/participants",
        "page 2": "/participants?page=2",
        "last page": f"/participants?page={last_page}",
        "role mentee": "/participants?role=mentee",
        "role mentor, page 3": "/participants?role=mentor&page=3",
        "department": "/participants?department=Finance",
        "location and role": "/participants?location=Lyon&role=both",
        "paired": "/participants?paired=yes",
        "not paired": "/participants?paired=no",
        "text: name": "/participants?q=person+12",
        "text: department": "/participants?q=finance",
        "text: id": "/participants?q=S0042",
        "text: no match": "/participants?q=zzzz",
        "text and role": "/participants?q=person+3&role=mentee",
    }


def _matching_urls(seeded: Seeded) -> dict[str, str]:
    everyone = f"/matchings/{seeded.everyone_draft}"
    return {
        "first wave, draft": f"/matchings/{seeded.draft_matching}",
        "first wave, approved": f"/matchings/{seeded.approved_matching}",
        "everyone, draft": everyone,
        "everyone, draft, page 3": f"{everyone}?page=3",
    }


def _candidate_urls(seeded: Seeded) -> dict[str, str]:
    return {
        mentee: f"/matchings/{seeded.everyone_draft}/candidates?mentee={quote(mentee)}"
        for mentee in seeded.everyone_draft_mentees
    }


def _effect_urls(seeded: Seeded) -> dict[str, str]:
    base = f"/model/versions/{seeded.model_version}/effects"
    return {name: f"{base}/{name}.svg" for name in FEATURE_NAMES[:PLOTS_ASKED]}


PAGES: list[PageCase] = [
    PageCase("sign-in form", "/sign-in", lambda s: {"": "/sign-in"}, signed_in=False),
    PageCase("overview", "/", lambda s: {"": "/"}),
    PageCase("participants", "/participants", _participants_urls),
    PageCase("person + suggestions", "/participants/{}", _person_urls, PERSON_TARGET_MS),
    PageCase(
        "pairings",
        "/pairings",
        lambda s: {
            "active": "/pairings",
            "active, last page": f"/pairings?page={max(1, -(-s.active_pairings // 50))}",
            "ended": "/pairings?status=ended",
        },
    ),
    PageCase("import", "/import", lambda s: {"": "/import"}),
    PageCase("matchings", "/matchings", lambda s: {"": "/matchings"}),
    PageCase("new matching", "/matchings/new", lambda s: {"": "/matchings/new"}),
    PageCase("matching review", "/matchings/{}", _matching_urls),
    PageCase("replace a mentor", "/matchings/{}/candidates", _candidate_urls),
    PageCase(
        "approve (confirm)",
        "/matchings/{}/approve",
        lambda s: {"": f"/matchings/{s.everyone_draft}/approve"},
    ),
    PageCase(
        "feedback link (signed out)",
        "/feedback/{}",
        lambda s: {f"link {n}": f"/feedback/{token}" for n, token in enumerate(s.feedback_links)},
        signed_in=False,
    ),
    PageCase("outcomes", "/outcomes", lambda s: {"": "/outcomes"}),
    PageCase("feedback requests", "/feedback-requests", lambda s: {"": "/feedback-requests"}),
    PageCase("model", "/model", lambda s: {"": "/model"}),
    PageCase("model: a feature's plot", "/model/versions/{}/effects/{}", _effect_urls),
    PageCase("admin: users", "/admin/users", lambda s: {"": "/admin/users"}),
    PageCase("admin: keys", "/admin/keys", lambda s: {"": "/admin/keys"}),
]


def _encoder(kind: str, settings: Settings) -> TextEncoder:
    if kind == "real":
        return SentenceEncoder.from_settings(settings)
    sys.path.insert(0, str(ROOT))
    from tests.fakes import FakeEncoder

    return FakeEncoder(dim=384, model_id=FAKE_MODEL_ID)


def _settings(home: Path, participants: int) -> Settings:
    # The links' base only; the bench asks the server on loopback with the token.
    return Settings(home=home, max_rows=max(participants, 200_000), public_url="http://127.0.0.1")


def _import_csv(store: Store, path: Path, settings: Settings) -> None:
    import_participants(store, path.read_bytes(), source=path.name, settings=settings)


def _first_wave_csv(full: Path, rows: int) -> Path:
    """The export's header and first `rows` people: who answered the survey's first wave."""
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    wave = full.with_name("first_wave.csv")
    wave.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return wave


def seed_program(home: Path, participants: int, seed: int, encoder: TextEncoder) -> dict[str, Any]:
    """A program a year in, as the pages would find it.

    The first wave (FIRST_WAVE people) was matched twice: one matching approved (its pairs are
    the pairings in force, a few ended since), the other left as a draft. Then everyone else
    answered; past feedback was imported as history.
    """
    settings = _settings(home, participants)
    store = open_store(settings.resolved_database_url)
    files = write_synthetic(home / "synth", participants, PAST_FEEDBACK, seed=seed)
    _import_csv(store, _first_wave_csv(files["participants"], FIRST_WAVE), settings)
    wave = load_roster(store, encoder, progress=True)
    scorer = HeuristicScorer()
    draft = create_matching(store, wave, scorer, objective=SCORE, min_gap=settings.min_gap)
    approved = create_matching(
        store, wave, scorer, objective=PARTICIPATION, min_gap=settings.min_gap
    )
    approve_matching(store, wave, approved.id)
    for pairing in list_pairings(store)[:ENDED_PAIRINGS]:
        end_pairing(store, pairing.id, "completed")
    _import_csv(store, files["participants"], settings)
    feedback = files["feedback"]
    import_feedback(
        store, feedback.read_bytes(), source=feedback.name, settings=settings, allow_unpaired=True
    )
    for name in ("intranet", "hris-sync", "chat-bot"):
        create_key(store, name, "read")
    store.dispose()
    return {"draft_matching": draft.id, "approved_matching": approved.id}


def _links(store: Store, settings: Settings, plan: RequestPlan, path: Path) -> list[str]:
    """The plan's feedback links written as for a mail merge; their tokens."""
    export_links(store, settings, plan, path, utcnow())
    with path.open(encoding="utf-8-sig", newline="") as rows:
        return [row["link"].rsplit("/", 1)[-1] for row in csv.DictReader(rows, delimiter=";")]


def seed_answers(home: Path, participants: int, seed: int, matching_id: str) -> dict[str, Any]:
    """The approved matching's check-in: links sent to both people of each pairing, most of
    them answered (rating, outcome, meetings)."""
    settings = _settings(home, participants)
    store = open_store(settings.resolved_database_url)
    plan = plan_requests(
        store, matching_id=matching_id, checkin=CHECKIN, reminder=False, now=utcnow()
    )
    rng = random.Random(seed)
    answered = 0
    for token in _links(store, settings, plan, home / f"links-{CHECKIN}.csv"):
        if rng.random() < ANSWERED_SHARE:
            answer = FeedbackAnswer(
                rating=rng.choice((2, 3, 4, 4, 5, 5)),
                outcome=rng.choice(("ongoing", "ongoing", "completed", "dropped")),
                meetings=rng.randint(0, 8),
            )
            submit_answer(store, token, answer, utcnow())
            answered += 1
    store.dispose()
    return {"feedback_answers": answered}


def fresh_links(home: Path, participants: int) -> list[str]:
    """A reminder to those who have not answered: links made now, so a kept home's links have
    not expired (they last RECOMENTOR_FEEDBACK_LINK_DAYS)."""
    settings = _settings(home, participants)
    store = open_store(settings.resolved_database_url)
    plan = plan_requests(store, matching_id=None, checkin=CHECKIN, reminder=True, now=utcnow())
    tokens = _links(store, settings, plan, home / f"reminders-{CHECKIN}.csv")
    store.dispose()
    return tokens[:: max(1, len(tokens) // FEEDBACK_LINKS_ASKED)][:FEEDBACK_LINKS_ASKED]


def seed_everyone_draft(home: Path, participants: int, encoder: TextEncoder) -> dict[str, Any]:
    """The next round drafted over everyone, under the first wave's pairings in force: the
    review of a matching as large as the program (thousands of pairs, unpaired, mentors)."""
    settings = _settings(home, participants)
    store = open_store(settings.resolved_database_url)
    roster = load_roster(store, encoder, progress=True)
    # Scored by the champion the server serves: a draft of another scorer cannot be edited.
    draft = create_matching(store, roster, load_scorer(settings), min_gap=settings.min_gap)
    store.dispose()
    step = max(1, len(draft.pairs) // DRAFT_MENTEES_ASKED)
    return {
        "everyone_draft": draft.id,
        "everyone_draft_mentees": [pair.mentee_id for pair in draft.pairs[::step]][
            :DRAFT_MENTEES_ASKED
        ],
        "everyone_draft_unpaired": [entry.mentee_id for entry in draft.unpaired[:1]],
    }


def seed_model(home: Path, participants: int, encoder: TextEncoder) -> dict[str, Any]:
    """A ranker trained on the feedback as `recomentor train` would (champion only if it beats
    the heuristic): the model page's versions and feature plots."""
    settings = _settings(home, participants)
    store = open_store(settings.resolved_database_url)
    report = train_and_register(settings, store, encoder, TrainingConfig(), progress=True)
    store.dispose()
    return {"model_version": int(report.run.version), "model_promoted": report.promotion.promote}


def _seeded(home: Path, participants: int, seed: int, kind: str) -> dict[str, Any]:
    """What the home holds, made now where missing: each step once, recorded in SEED_FILE, so
    a step added for a new page seeds a kept home too."""
    marker = home / SEED_FILE
    made: dict[str, Any] = json.loads(marker.read_text()) if marker.is_file() else {}
    if made and (made["participants"], made["seed"]) != (participants, seed):
        raise SystemExit(
            f"{home} holds another program ({made['participants']} participants, seed "
            f"{made['seed']}); give another --home or delete that folder"
        )
    made = made or {"participants": participants, "seed": seed, "encoder": kind}
    encoder = _encoder(kind, _settings(home, participants))
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("approved_matching", lambda: seed_program(home, participants, seed, encoder)),
        (
            "feedback_answers",
            lambda: seed_answers(home, participants, seed, made["approved_matching"]),
        ),
        ("model_version", lambda: seed_model(home, participants, encoder)),
        # After the ranker: a draft scored by an older champion can no longer be edited.
        ("everyone_draft", lambda: seed_everyone_draft(home, participants, encoder)),
    ]
    for key, step in steps:
        if key not in made:
            made.update(step())
            marker.write_text(json.dumps(made, indent=2))
    return made


def prepare(home: Path, participants: int, seed: int, kind: str) -> Seeded:
    """The seeded home (made on the first run), every answer embedded, the bench's account."""
    home.mkdir(parents=True, exist_ok=True)
    made = _seeded(home, participants, seed, kind)
    settings = _settings(home, participants)
    encoder = _encoder(kind, settings)
    store = open_store(settings.resolved_database_url)
    start = time.perf_counter()
    roster = load_roster(store, encoder, progress=True)
    print(
        f"embedding cache ({encoder.model_id}): {len(roster):,} people, "
        f"{roster.encoded:,} texts encoded now, {time.perf_counter() - start:.0f} s"
    )
    _ensure_account(store, home)
    seeded = Seeded(
        participants,
        seed,
        made["encoder"],
        approved_matching=made["approved_matching"],
        draft_matching=made["draft_matching"],
        everyone_draft=made["everyone_draft"],
        model_version=made["model_version"],
        everyone_draft_mentees=made["everyone_draft_mentees"] + made["everyone_draft_unpaired"],
        feedback_links=fresh_links(home, participants),
    )
    _pick_people(store, seeded)
    with store.session() as session:
        if count_participants(session) != participants:
            raise SystemExit(f"{home} does not hold {participants} participants")
    store.dispose()
    return seeded


def _pick_people(store: Store, seeded: Seeded) -> None:
    """Spread over the id range: early (first wave) and late answers alike."""
    roles: dict[str, list[str]] = {role: [] for role in F.ROLES}
    with store.session() as session:
        rows = session.execute(select(ParticipantRow.id, ParticipantRow.role).order_by("id"))
        for person_id, role in rows:
            roles[role].append(person_id)
    step = max(1, len(roles[F.MENTEE]) // 7)
    seeded.mentees = roles[F.MENTEE][step::step]
    seeded.mentors = roles[F.MENTOR][step::step]
    active = list_pairings(store, status=ACTIVE)
    seeded.active_pairings = len(active)
    seeded.paired = [p.mentee_id for p in active[:: max(1, len(active) // 5)]]


def _ensure_account(store: Store, home: Path) -> None:
    """The bench's admin account, made through the CLI as an administrator would."""
    try:
        find_user_id(store, BENCH_EMAIL)
        return
    except UnknownUserError:
        pass
    command = [
        *_cli(), "user", "create", BENCH_EMAIL, "--role", "admin", "--password-stdin",
    ]  # fmt: skip
    subprocess.run(command, input=f"{BENCH_PASSWORD}\n", text=True, env=_env(home), check=True)


def _cli() -> list[str]:
    return [sys.executable, "-c", "from recomentor.cli import console; console()"]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "RECOMENTOR_HOME": str(home), "HF_HUB_OFFLINE": "1"}


def _start_server(home: Path, port: int, kind: str) -> subprocess.Popen[bytes]:
    if kind == "real":
        command = [
            *_cli(), "serve", "--port", str(port), "--workers", "1", "--log-level", "warning",
        ]  # fmt: skip
    else:
        command = [sys.executable, __file__, "--serve-fake", "--port", str(port)]
    # Its own process group, so stopping it reaches uvicorn's children and not this script.
    return subprocess.Popen(command, env=_env(home), start_new_session=True)


def serve_fake(port: int) -> None:
    """`recomentor serve`'s uvicorn settings, on an app given the fake encoder."""
    import uvicorn

    from recomentor.api.app import create_app
    from recomentor.api.log_config import log_config

    settings = Settings.from_env()
    app = create_app(settings, encoder=_encoder("fake", settings))
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_config=log_config("warning"),
        log_level="warning",
        server_header=False,
        http="recomentor.api.http_limits:BoundedHeadProtocol",
    )


def _stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped with exit code {server.returncode}")
        try:
            if httpx.get(f"{base}/ready", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready")


def _route_shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def served_routes(home: Path) -> set[str]:
    """Every route of the app this checkout builds, parameters written `{}`."""
    from recomentor.api.app import create_app

    app = create_app(Settings(home=home))
    return {_route_shape(route.path) for route in app.routes}


def sign_in(client: httpx.Client) -> None:
    response = client.post(
        "/sign-in", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "next": "/"}
    )
    if response.status_code != 303 or "recomentor_session" not in client.cookies:
        raise SystemExit(f"sign-in failed with status {response.status_code}")


def _timed_get(client: httpx.Client, url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed_ms = (time.perf_counter() - start) * 1e3
    return elapsed_ms, response.status_code, len(response.content)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": _percentile(times, 0.95),
        "max_ms": max(times),
        "mean_ms": statistics.fmean(times),
    }


def measure(
    base: str, pages: list[PageCase], seeded: Seeded, requests: int
) -> dict[str, dict[str, Any]]:
    """Each page asked `requests` times in rounds over all pages; its variants in turn."""
    signed = httpx.Client(base_url=base, timeout=60.0)
    anonymous = httpx.Client(base_url=base, timeout=60.0)
    sign_in(signed)
    urls = {page.name: list(page.urls(seeded).items()) for page in pages}
    client = {page.name: signed if page.signed_in else anonymous for page in pages}
    results: dict[str, dict[str, Any]] = {
        page.name: {"first_ms": {}, "times": {}, "statuses": {}, "bytes": 0} for page in pages
    }
    for page in pages:
        for variant, url in urls[page.name]:
            elapsed, status, _size = _timed_get(client[page.name], url)
            results[page.name]["first_ms"][variant] = elapsed
            if status != 200:
                raise SystemExit(f"{page.name} ({variant or url}) answered {status}")
    for round_number in range(requests):
        for page in pages:
            variant, url = urls[page.name][round_number % len(urls[page.name])]
            elapsed, status, size = _timed_get(client[page.name], url)
            result = results[page.name]
            result["times"].setdefault(variant, []).append(elapsed)
            result["statuses"][status] = result["statuses"].get(status, 0) + 1
            result["bytes"] = max(result["bytes"], size)
    signed.close()
    anonymous.close()
    for page in pages:
        result = results[page.name]
        every = [t for times in result["times"].values() for t in times]
        result.update(_summary(every), requests=len(every), target_ms=page.target_ms)
        result["variants"] = {v: _summary(times) for v, times in result.pop("times").items()}
    return results


def _slowest(result: dict[str, Any]) -> str:
    variants = result["variants"]
    if len(variants) < 2:
        return "-"
    name = max(variants, key=lambda v: variants[v]["p95_ms"])
    return f"{name}: {variants[name]['p95_ms']:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--encoder", choices=("real", "fake"), default="real")
    parser.add_argument("--home", type=Path, default=HOME)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.port)
        return
    seeded = prepare(args.home, args.participants, args.seed, args.encoder)
    if args.setup_only:
        return
    routes = served_routes(args.home)
    pages = [page for page in PAGES if _route_shape(page.route) in routes]
    skipped = [
        f"{page.name} ({page.route}): no such route yet" for page in PAGES if page not in pages
    ]
    base = f"http://127.0.0.1:{args.port}"
    load_before = os.getloadavg()
    server = _start_server(args.home, args.port, args.encoder)
    try:
        _wait_ready(base, server)
        results = measure(base, pages, seeded, args.requests)
    finally:
        _stop(server)
    payload = {
        "participants": args.participants,
        "encoder": args.encoder,
        "requests_per_page": args.requests,
        "active_pairings": seeded.active_pairings,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "cpu_count": os.cpu_count(),
        "skipped": skipped,
        "seeded": asdict(seeded),
        "pages": results,
    }
    rows = [
        [
            page.name,
            r["requests"],
            r["p50_ms"],
            r["p95_ms"],
            r["max_ms"],
            f"< {page.target_ms:.0f}",
            "met" if r["p95_ms"] < page.target_ms else "MISSED",
            _slowest(r),
            f"{max(r['first_ms'].values()):.0f}",
        ]
        for page in pages
        for r in [results[page.name]]
    ]
    load = ", ".join(f"{value:.1f}" for value in load_before)
    report(
        "web",
        f"Pages at {args.participants:,} participants ({seeded.active_pairings:,} active "
        f"pairings), {args.encoder} encoder, one client on loopback; load {load}",
        [
            "page",
            "requests",
            "p50 ms",
            "p95 ms",
            "max ms",
            "p95 target",
            "",
            "slowest (p95 ms)",
            "first ms",
        ],
        rows,
        payload,
        width=150,
    )
    for note in skipped:
        print(f"skipped: {note}")


if __name__ == "__main__":
    main()
