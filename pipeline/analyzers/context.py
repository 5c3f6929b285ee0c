"""What every analyzer reads: the Document, its segmentation and the sentence types, computed once.

Like a spaCy Doc, the Context holds the text losslessly and every annotation at character offsets
into it. Analyzers never change it; they return results. Heavy resources (lexicons, the sentence
model) are loaded once per process by ``resources()``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.analyzers.headings import heading_parts
from pipeline.document import Document
from pipeline.lexicons import compile_patterns, read_groups
from pipeline.nlp import Parsed, Sentence, parse
from pipeline.sentence_model import LABELS, FastModel, load_model, model_input
from pipeline.settings import Settings
from pipeline.text import is_heading


@dataclass(frozen=True)
class Resources:
    """Lexicons compiled and the sentence model loaded, shared by all analyzers of a process."""

    cues: dict[str, tuple[re.Pattern[str], ...]]
    first_person: dict[str, tuple[str, ...]]
    model: object  # sklearn pipeline


@lru_cache(maxsize=4)
def _resources(lexicon_dir: str, extra: tuple[str, ...], model_dir: str) -> Resources:
    settings = Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra, model_dir=model_dir)
    cues = {
        g: tuple(compile_patterns("cues.txt", g, p)) for g, p in read_groups("cues.txt", settings).items()
    }
    first_person = read_groups("first_person.txt", settings)
    model = FastModel(load_model(Path(model_dir))["model"])
    return Resources(cues=cues, first_person=first_person, model=model)


def resources(settings: Settings) -> Resources:
    return _resources(settings.lexicon_dir, settings.extra_lexicon_dirs, settings.model_dir)


@dataclass(frozen=True)
class SentenceType:
    """A sentence's type and the model's probabilities (after cue adjustment)."""

    label: str
    probs: dict[str, float]


# How much a cue multiplies the model's probability for its type.
CUE_BOOST = 2.5
# How much the headed part a sentence sits in multiplies the probabilities of the types that part holds.
PART_PRIOR = {
    "plans": {"plan": 2.5},
    "problems": {"problem": 2.0, "cause": 2.0},
    "progress": {"achievement": 1.5},
    "duty": {"achievement": 1.5},
}


@dataclass
class Context:
    doc: Document
    settings: Settings = field(default_factory=Settings)
    parsed_: Parsed | None = None

    @cached_property
    def parsed(self) -> Parsed:
        return self.parsed_ or parse(self.doc.text, self.settings)

    @cached_property
    def res(self) -> Resources:
        return resources(self.settings)

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return self.parsed.sentences

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start : s.end]

    def tokens_of(self, s: Sentence) -> list[str]:
        return [t.text for t in self.parsed.tokens[s.first_token : s.last_token]]

    @cached_property
    def personal_wo(self) -> list[int]:
        """Offsets of every 我 that is the writer himself. Decided in one place for every analyzer:
        first_person.classify_wo with lexicons/first_person.txt (我县, 我街道, 我们, 自我 … are not)."""
        from pipeline.analyzers.first_person import classify_wo  # first_person imports this module

        return [
            start for start, _, kind in classify_wo(self.text, self.res.first_person) if kind == "personal"
        ]

    def says_i(self, start: int, end: int) -> bool:
        """Whether text[start:end] holds a personal 我."""
        i = bisect_left(self.personal_wo, start)
        return i < len(self.personal_wo) and self.personal_wo[i] < end

    @cached_property
    def headed_parts(self) -> dict[str, tuple[int, int]]:
        """Spans of the parts that headings name (empty when the report has no such headings)."""
        return heading_parts(self.text, self.res.cues)

    @cached_property
    def sentence_types(self) -> list[SentenceType]:
        """Model probabilities per sentence, multiplied by cue and part priors; headings are ``other``."""
        sentences = self.sentences
        if not sentences:
            return []
        model = self.res.model
        inputs = [model_input(self.sentence_text(s), self.tokens_of(s)) for s in sentences]
        probabilities = model.predict_proba(inputs)
        classes = list(model.classes_)
        out: list[SentenceType] = []
        for s, row in zip(sentences, probabilities, strict=True):
            text = self.sentence_text(s)
            probs = {label: float(row[classes.index(label)]) for label in LABELS}
            for label in ("cause", "problem", "plan", "achievement"):
                if any(p.search(text) for p in self.res.cues[label]):
                    probs[label] *= CUE_BOOST
            for part, (start, end) in self.headed_parts.items():
                if start <= s.start < end:
                    for label, factor in PART_PRIOR[part].items():
                        probs[label] *= factor
            if is_heading_line(text):
                out.append(SentenceType("other", probs))
                continue
            total = sum(probs.values())
            probs = {k: v / total for k, v in probs.items()}
            out.append(SentenceType(max(LABELS, key=lambda k: (probs[k], -LABELS.index(k))), probs))
        return out


def is_heading_line(text: str) -> bool:
    """A short heading line (一、… / （二）… / 第三部分) rather than a sentence that starts like one."""
    stripped = text.strip()
    return len(stripped) <= 30 and is_heading(stripped) and not stripped.endswith(("。", "；", "！", "？"))
