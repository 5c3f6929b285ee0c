"""The one place that loads language resources: spaCy, jieba and the custom dictionary.

With spaCy's ``zh_core_web_sm`` installed the pipeline parses (sentence subjects come from the
dependency tree); without it a blank Chinese pipeline segments with jieba and splits sentences with a
sentencizer, and the analyzers fall back to heuristics. Which one is in use is said once on stderr
and is available as ``pipeline_name()`` for reports and benchmarks.

Both segmenters get the same custom dictionary (lexicons/userdict.txt) so institutional words
(我市, 我县 …) and official terms (三会一课, 一岗双责 …) segment the same way everywhere.

Tokens come from jieba-next when it is installed: a Rust build of jieba's own algorithm and
dictionary whose tokens are jieba's, token for token, on the whole test corpus (tests/test_nlp.py
and benchmarks/segmenter.py check it), at a few times the speed. ``SHUZHI_SEGMENTER=jieba`` forces
plain jieba. jieba itself stays loaded: its dictionary (frequencies, tags) is what the typo checks
and the subject heuristic read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from pipeline.lexicons import read_table
from pipeline.settings import Settings

MODEL = "zh_core_web_sm"
# Sentence ends: full stops, question and exclamation marks, semicolons (一是…；二是… items are
# separate claims) and paragraph breaks.
SENTENCE_PUNCT = ["。", "！", "？", "!", "?", "；", ";", "\n"]


class Token(NamedTuple):
    """A segment of the clean text; ``head``/``dep`` are set only when a parser ran."""

    text: str
    start: int
    end: int
    pos: str = ""
    dep: str = ""
    head: int = -1  # index of the head token in Parsed.tokens


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    first_token: int
    last_token: int  # exclusive


@dataclass(frozen=True)
class Parsed:
    """A text segmented once and shared by every analyzer."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    parser: str
    # (start, end, dependency label) of sentence subjects, when a dependency parser ran.
    subjects: tuple[tuple[int, int, str], ...] | None = None

    @property
    def has_parse(self) -> bool:
        return self.subjects is not None


def _user_words(settings: Settings) -> list[tuple[str, int | None]]:
    rows = read_table("userdict.txt", settings, 1, 2)
    return [(r[0], int(r[1]) if len(r) > 1 and r[1] else None) for r in rows]


@lru_cache(maxsize=4)
def _load(lexicon_dir: str, extra: tuple[str, ...], allow_model: bool):  # -> spacy.Language
    import jieba
    import spacy

    settings = Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra)
    words = _user_words(settings)
    _jieba_ready(lexicon_dir, extra)
    nlp = None
    if allow_model:
        try:
            nlp = spacy.load(MODEL, exclude=["ner"])
        except (OSError, ImportError, ValueError):
            nlp = None
    if nlp is not None:
        with contextlib.suppress(AttributeError, ValueError):
            nlp.tokenizer.pkuseg_update_user_dict([w for w, _ in words])
        name = f"{MODEL} {nlp.meta.get('version', '?')} (dependency parse)"
    else:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_PUNCT})
        name = f"blank zh + jieba {jieba.__version__} + sentencizer (no parse: {MODEL} not installed)"
    nlp.meta["shuzhi_pipeline"] = name
    if not os.environ.get("SHUZHI_QUIET"):
        print(f"shuzhi: language pipeline: {name}", file=sys.stderr)
    return nlp


def _blank_name() -> str:
    import jieba

    return f"blank zh + jieba {jieba.__version__} + sentencizer (no parse: {MODEL} not installed)"


@lru_cache(maxsize=4)
def _jieba_ready(lexicon_dir: str, extra: tuple[str, ...]) -> Any:
    """The segmenter module (jieba-next, else jieba) with the custom dictionary, jieba's too."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = _user_words(Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra))
    for word, freq in words:
        jieba.add_word(word, freq=freq)
    fast = _fast_segmenter()
    if fast is None:
        return jieba
    for word, freq in words:
        fast.add_word(word, freq=freq)
    return fast


def _fast_segmenter() -> Any:
    """jieba-next when installed and not turned off (``SHUZHI_SEGMENTER=jieba``), else None."""
    if os.environ.get("SHUZHI_SEGMENTER", "").strip().lower() == "jieba":
        return None
    try:
        import jieba_next
    except ImportError:
        return None
    jieba_next.setLogLevel(logging.WARNING)
    return jieba_next


def segmenter(settings: Settings | None = None) -> Any:
    """The module whose ``tokenize``/``lcut`` cut every text, custom dictionary loaded."""
    settings = settings or Settings()
    return _jieba_ready(settings.lexicon_dir, settings.extra_lexicon_dirs)


def jieba_words(text: str, settings: Settings | None = None) -> list[str]:
    """jieba tokens of a bare string with the custom dictionary loaded (training, tests, baselines)."""
    return segmenter(settings).lcut(text)


def get_nlp(settings: Settings | None = None):  # -> spacy.Language
    """The loaded pipeline (cached per process; workers load it once)."""
    settings = settings or Settings()
    allow_model = not os.environ.get("SHUZHI_NO_MODEL")
    return _load(settings.lexicon_dir, settings.extra_lexicon_dirs, allow_model)


def model_wanted() -> bool:
    """Whether zh_core_web_sm is installed and not turned off (``SHUZHI_NO_MODEL``)."""
    import importlib.util

    return not os.environ.get("SHUZHI_NO_MODEL") and importlib.util.find_spec(MODEL) is not None


def announce() -> None:
    """Say once on stderr which pipeline the workers will load, without loading it here."""
    if os.environ.get("SHUZHI_QUIET"):
        return
    if model_wanted():
        print(f"shuzhi: language pipeline: {MODEL} (dependency parse)", file=sys.stderr)
    else:
        print(
            f"shuzhi: language pipeline: blank zh + jieba + sentencizer (no parse: {MODEL} not installed)",
            file=sys.stderr,
        )
    os.environ["SHUZHI_QUIET"] = "1"


def pipeline_name(settings: Settings | None = None) -> str:
    return get_nlp(settings).meta["shuzhi_pipeline"]


def from_spacy(doc) -> Parsed:  # doc: spacy.tokens.Doc
    """Our Parsed view of a spaCy Doc (also used by tests that build Docs with heads and deps by hand)."""
    has_dep = doc.has_annotation("DEP")
    tokens = tuple(
        Token(
            text=t.text,
            start=t.idx,
            end=t.idx + len(t.text),
            pos=t.pos_ or "",
            dep=t.dep_ if has_dep else "",
            head=t.head.i if has_dep else -1,
        )
        for t in doc
    )
    sentences = []
    if doc.has_annotation("SENT_START"):
        for s in doc.sents:
            text = s.text
            if text.strip():
                lead = len(text) - len(text.lstrip())
                sentences.append(
                    Sentence(
                        s.start_char + lead, s.end_char - (len(text) - len(text.rstrip())), s.start, s.end
                    )
                )
    subjects = (
        tuple((t.idx, t.idx + len(t.text), t.dep_) for t in doc if t.dep_ in SUBJECT_DEPS)
        if has_dep
        else None
    )
    return Parsed(doc.text, tokens, tuple(sentences), doc.vocab.lang, subjects)


def parse(text: str, settings: Settings | None = None) -> Parsed:
    """Segment a clean text once (and find sentence subjects, when the model is there).

    Tokens and sentences always come from jieba and the sentencizer's rule — what the blank spaCy
    pipeline does, without building a spaCy Doc that nothing else reads (a test checks both give the
    same) — so every figure but the subjects is the same with and without the model. With
    zh_core_web_sm, only the sentences that may have a personal or collective subject are parsed.
    Without it spaCy is not even imported (seconds of start-up per worker for a name).
    """
    if not model_wanted():
        return fast_parse(text, _blank_name(), settings)
    nlp = get_nlp(settings)
    base = fast_parse(text, nlp.meta["shuzhi_pipeline"], settings)
    if not nlp.has_pipe("parser"):
        return base
    wanted = [s for s in base.sentences if _SUBJECT_CANDIDATE.search(text, s.start, s.end)]
    subjects: list[tuple[int, int, str]] = []
    for sentence, doc in zip(wanted, nlp.pipe(text[s.start : s.end] for s in wanted), strict=True):
        subjects.extend(
            (sentence.start + t.idx, sentence.start + t.idx + len(t.text), t.dep_)
            for t in doc
            if t.dep_ in SUBJECT_DEPS
        )
    return Parsed(base.text, base.tokens, base.sentences, base.parser, tuple(subjects))


SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass", "nsubjpass", "top", "csubj"})
_SUBJECT_CANDIDATE = re.compile("我|党委|党组|党工委|党总支|支部|班子|上下|一班人|委员会")


_PUNCT_SET = frozenset(SENTENCE_PUNCT)


@lru_cache(maxsize=4096)
def _is_punct(token: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in token)


def fast_parse(text: str, name: str = "jieba + sentencizer rule", settings: Settings | None = None) -> Parsed:
    """jieba tokens with offsets, and sentences by the spaCy sentencizer's rule.

    The rule: a token in SENTENCE_PUNCT closes the sentence, and the next token that is not
    punctuation starts a new one (so a closing quote stays with its sentence).
    """
    tokens = [Token(w, s, e) for w, s, e in segmenter(settings).tokenize(text) if w]
    sentences: list[Sentence] = []
    first = 0
    seen_end = False
    for i, tok in enumerate(tokens):
        if seen_end and not _is_punct(tok.text) and tok.text not in _PUNCT_SET:
            _add_sentence(sentences, text, tokens, first, i)
            first = i
            seen_end = False
        if tok.text in _PUNCT_SET or (tok.text.strip() == "" and "\n" in tok.text):
            seen_end = True
    if tokens:
        _add_sentence(sentences, text, tokens, first, len(tokens))
    return Parsed(text, tuple(tokens), tuple(sentences), name)


def _add_sentence(out: list[Sentence], text: str, tokens: list[Token], first: int, last: int) -> None:
    start, end = tokens[first].start, tokens[last - 1].end
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    out.append(Sentence(start + lead, start + lead + len(stripped), first, last))
