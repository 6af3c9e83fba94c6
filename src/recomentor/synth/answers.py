"""Survey answers written from topics: paraphrases, separators, noise, casing, languages."""

from __future__ import annotations

import numpy as np

from recomentor.synth.taxonomy import (
    JUNIOR,
    OFF_TOPIC_EN,
    OFF_TOPIC_FR,
    QUALIFIERS_EN,
    QUALIFIERS_FR,
    TOPICS,
)

# Language code -> (French name, English name, share of people who speak it).
_LANGUAGES = (
    ("fr", "Français", "French", 0.95),
    ("en", "Anglais", "English", 0.6),
    ("es", "Espagnol", "Spanish", 0.1),
    ("de", "Allemand", "German", 0.06),
    ("ar", "Arabe", "Arabic", 0.06),
    ("it", "Italien", "Italian", 0.04),
    ("pt", "Portugais", "Portuguese", 0.03),
    ("zh", "Chinois", "Chinese", 0.02),
)


def pick_topics(
    rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray
) -> list[tuple[int, ...]]:
    """Draw `counts[i]` distinct topics per row, without replacement, in proportion to weights."""
    # Gumbel top-k: sorting log-weights plus Gumbel noise is weighted sampling without replacement.
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    ranked = np.argsort(-keys, axis=1)[:, : int(counts.max(initial=0))].tolist()
    return [tuple(row[:count]) for row, count in zip(ranked, counts.tolist(), strict=True)]


def topic_weights(cohort: np.ndarray, *, for_goals: bool) -> np.ndarray:
    """Per-person topic weights: juniors teach junior topics, seniors mostly learn them."""
    popularity = np.array([t.popularity for t in TOPICS])
    junior_topic = np.array([t.side == JUNIOR for t in TOPICS])
    # Columns: share of weight given to junior-side topics for junior, mid, senior people.
    junior_share = np.array([0.05, 0.5, 0.95]) if for_goals else np.array([1.0, 0.6, 0.0])
    share = junior_share[cohort][:, None]
    side = np.where(junior_topic[None, :], share, 1.0 - share)
    return np.maximum(side * popularity[None, :], 1e-9)


def add_typos(rng: np.random.Generator, phrases: list[str], rate: float) -> list[str]:
    """Each phrase, with probability `rate`, gets one typo: two neighbouring letters swapped or
    one letter dropped, somewhere inside it."""
    if rate <= 0.0:
        return phrases
    hit = rng.random(len(phrases)) < rate
    where = rng.random(len(phrases))
    swap = rng.random(len(phrases)) < 0.5
    typed = []
    for phrase, typo, at, swapped in zip(
        phrases, hit.tolist(), where.tolist(), swap.tolist(), strict=True
    ):
        letters = [i for i in range(len(phrase) - 1) if phrase[i].isalpha()]
        if not typo or not letters:
            typed.append(phrase)
            continue
        i = letters[int(at * len(letters))]
        if swapped:
            typed.append(phrase[:i] + phrase[i + 1] + phrase[i] + phrase[i + 2 :])
        else:
            typed.append(phrase[:i] + phrase[i + 1 :])
    return typed


def write_answers(
    rng: np.random.Generator,
    topics: list[tuple[int, ...]],
    english: np.ndarray,
    *,
    goals: bool,
    paraphrases: int | None = None,
    typos: tuple[np.random.Generator, float] | None = None,
) -> list[str]:
    """Write each person's topics as a free-text answer, with paraphrases, noise and casing.

    `paraphrases` keeps only the first so many wordings of each topic; `typos` (a random
    stream of its own, so the other draws stay those of a world without typos, and a rate)
    misspells some phrases.
    """
    n = len(topics)
    paraphrase = rng.integers(0, 1 << 30, size=(n, 4))
    qualify = rng.random((n, 4)) < 0.2
    qualifier = rng.integers(0, len(QUALIFIERS_FR), size=(n, 4))
    separator = rng.choice([", ", "; ", " ; ", ","], size=n, p=[0.5, 0.3, 0.1, 0.1])
    off_topic = rng.random(n) < 0.08
    off_topic_pick = rng.integers(0, 1 << 30, size=n)
    casing = rng.random(n)
    period = rng.random(n) < 0.1
    # Plain Python lists: indexing numpy arrays element by element is slow in this loop.
    options_by_language = (
        [(t.goal_fr if goals else t.skill_fr)[:paraphrases] for t in TOPICS],
        [(t.goal_en if goals else t.skill_en)[:paraphrases] for t in TOPICS],
    )
    qualifiers = (QUALIFIERS_FR, QUALIFIERS_EN)
    noise = (OFF_TOPIC_FR, OFF_TOPIC_EN)
    answers: list[str] = []
    for chosen, language, picks, suffixes, joiner, noisy, noise_pick, case, dot in zip(
        topics,
        english.astype(np.int64).tolist(),
        paraphrase.tolist(),
        np.where(qualify, qualifier, -1).tolist(),
        separator.tolist(),
        off_topic.tolist(),
        off_topic_pick.tolist(),
        casing.tolist(),
        period.tolist(),
        strict=True,
    ):
        options = options_by_language[language]
        phrases = [
            options[t][pick % len(options[t])] + (qualifiers[language][q] if q >= 0 else "")
            for t, pick, q in zip(chosen, picks, suffixes, strict=False)
        ]
        if typos is not None:
            phrases = add_typos(typos[0], phrases, typos[1])
        if noisy:
            phrases.append(noise[language][noise_pick % len(noise[language])])
        text = joiner.join(phrases)
        # People type carelessly: some all lower case, a few shouting, most capitalised.
        if case < 0.12:
            text = text.lower()
        elif case < 0.15:
            text = text.upper()
        elif case < 0.85:
            text = text[:1].upper() + text[1:]
        answers.append(text + "." if dot else text)
    return answers


def languages_as_written(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """Languages as people write them ("Français; Anglais"), and whether they answer in English."""
    speaks = rng.random((n, len(_LANGUAGES))) < np.array([share for *_, share in _LANGUAGES])
    no_french = ~speaks[:, 0]
    speaks[no_french, 1] = True  # who speaks no French works in English
    in_english = no_french | (rng.random(n) < 0.1)
    # Few distinct answers exist: write each once, then give it to everyone who gave it.
    answer_code = speaks @ (1 << np.arange(len(_LANGUAGES))) + (in_english << len(_LANGUAGES))
    distinct, which = np.unique(answer_code, return_inverse=True)
    written = []
    for code in distinct.tolist():
        english_names = bool(code >> len(_LANGUAGES))
        written.append(
            "; ".join(
                english if english_names else french
                for bit, (_, french, english, _) in enumerate(_LANGUAGES)
                if code >> bit & 1
            )
        )
    texts = [written[i] for i in which.tolist()]
    # French speakers answer in English now and then; the others always do.
    english_answers = no_french | (rng.random(n) < 0.22)
    return texts, english_answers
