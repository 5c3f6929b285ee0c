"""上年度问题整改 and known problems: split a problems part into items and check a report against each.

Each item (a problem the unit's previous report found, or one the reviewers hold from 巡视/巡察/督查 …)
is matched against the passages of this year's report, and gets one status:

- ``answered``: a passage outside this year's problems and plans says what was done about it (it is
  similar to the problem and carries an action cue from lexicons/rectification.txt [answer]);
- ``repeated``: the same problem is stated again in this year's problems part (not fixed);
- ``not_mentioned``: nothing in the report is similar enough.

Inside the report's own part on last year's rectification (lexicons/rectification.txt [part]) a clause
and an item that are each other's best match need only PART_THRESHOLD: the writer has said there
that the clauses answer last year's problems, one clause per problem.

Matching survives rewording: words are jieba tokens normalised through the [synonyms] groups, and
passages are compared by TF-IDF cosine over those words and their character bigrams (fitted on the
report's own passages plus the items). The thresholds are measured on the team's pairs
(corpora/rectification, ``benchmarks/rectification.py``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import ShuzhiError
from pipeline.lexicons import compile_patterns, read_groups
from pipeline.settings import Settings
from pipeline.text import one_line

STATUSES = ("answered", "repeated", "not_mentioned")
LAST_YEAR = "上年度查摆"
FLAG = "unrectified_problems"
# Similarity at or above which a passage speaks of the same problem: set on corpora/rectification/dev.tsv
# (precision 1.0 there), measured on heldout.tsv (benchmarks/rectification.py).
MATCH_THRESHOLD = 0.19
# Inside the report's own part on last year's rectification the writer has said that its clauses answer
# last year's problems, so a lower bar holds there for a clause and an item that are each other's best
# match (one answer clause for one problem): answers there are often reworded past MATCH_THRESHOLD.
PART_THRESHOLD = 0.10
# Passages are clauses (split at 。！？； and line ends) and runs of two consecutive clauses.
_CLAUSE_END = re.compile(r"[。！？!?；;\n]")
# Item markers inside a problems part: （一） / 一是 / 1. / 第一，
_ITEM_MARK = re.compile(
    r"(?:^|(?<=[。；;：:\n]))\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]是|\d+[.、．]|第[一二三四五六七八九十]+[，,、])"
)
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_ITEM_CHARS = 160


@dataclass(frozen=True)
class Item:
    """A problem to be answered, at [start, end) of the text it was split from (or -1 for a list)."""

    text: str
    source: str
    origin: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class Passage:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Match:
    item: Item
    status: str
    passage: Passage | None
    similarity: float


@dataclass(frozen=True)
class Rules:
    part: tuple[re.Pattern[str], ...]
    answer: tuple[re.Pattern[str], ...]
    done: tuple[re.Pattern[str], ...]
    cause: tuple[re.Pattern[str], ...]
    repeat: tuple[re.Pattern[str], ...]
    synonyms: dict[str, str]


@lru_cache(maxsize=8)
def _rules(lexicon_dir: str, extra: tuple[str, ...]) -> Rules:
    groups = read_groups("rectification.txt", Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra))
    synonyms: dict[str, str] = {}
    for line in groups["synonyms"]:
        words = line.split()
        for w in words:
            synonyms.setdefault(w, words[0])
    return Rules(
        *(
            tuple(compile_patterns("rectification.txt", g, groups[g]))
            for g in ("part", "answer", "done", "cause", "repeat")
        ),
        synonyms=synonyms,
    )


def rules(settings: Settings) -> Rules:
    return _rules(settings.lexicon_dir, settings.extra_lexicon_dirs)


# -- splitting ---------------------------------------------------------------------------------------
def split_items(text: str, start: int, end: int, settings: Settings, origin: str = "") -> list[Item]:
    """The problems of a problems part text[start:end]: one item per numbered problem (（一）/一是/1.),
    else one per paragraph, else one per sentence; the part's heading and its causes are left out."""
    r = rules(settings)
    kept: list[tuple[int, int]] = []  # paragraphs before the causes, heading dropped
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        stripped = line.strip()
        if not stripped:
            continue
        if any(p.search(stripped) for p in r.cause):
            break
        if _is_heading(stripped):
            continue
        kept.append((a, b))
    items: list[Item] = []
    numbered = any(_ITEM_MARK.match(text[a:b]) for a, b in kept)
    if numbered:  # an unnumbered paragraph after a numbered one continues it (its manifestation)
        merged: list[tuple[int, int]] = []
        for a, b in kept:
            if merged and not _ITEM_MARK.match(text[a:b]):
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        kept = merged
    for a, b in kept:
        para = text[a:b]
        starts = [m.start() for m in _ITEM_MARK.finditer(para)]
        marks = starts
        if len(marks) >= 2 or (marks and starts[0] <= 1):
            bounds = starts + [len(para)]
            pieces = [(a + bounds[i], a + bounds[i + 1]) for i in range(len(starts))]
            if starts[0] > 0 and _CJK.search(para[: starts[0]]) and len(kept) > 1:
                pieces.insert(0, (a, a + starts[0]))
        else:
            pieces = [(a, b)]
        for s, e in pieces:
            items.extend(_item(text, s, e, origin))
    if len(items) == 1 and len(kept) == 1:  # one paragraph of unnumbered problems: its sentences
        a, b = kept[0]
        sentences = [(s, e) for s, e in _clauses(text, a, b, ends="。！？!?")]
        if len(sentences) > 1:
            items = [i for s, e in sentences for i in _item(text, s, e, origin)]
    return items


def _item(text: str, s: int, e: int, origin: str) -> list[Item]:
    while s < e and text[s] in " \t　":
        s += 1
    while e > s and text[e - 1] in " \t　\n":
        e -= 1
    if len(_CJK.findall(text[s:e])) < 6:
        return []
    shown = text[s:e]
    if "\n" in shown and len(shown) > MAX_ITEM_CHARS:  # a heading line and its manifestation
        head, _, rest = shown.partition("\n")
        shown = head + "\n" + rest[: max(0, MAX_ITEM_CHARS - len(head))]
    elif len(shown) > MAX_ITEM_CHARS:  # keep the statement and the start of its manifestation
        cut = shown.find("。")
        shown = shown[: cut + 1] if 0 < cut < MAX_ITEM_CHARS else shown[:MAX_ITEM_CHARS]
    return [Item(shown, LAST_YEAR, origin, s, s + len(shown))]


def _clauses(text: str, start: int, end: int, ends: str = "") -> list[tuple[int, int]]:
    pattern = re.compile(f"[{re.escape(ends)}\n]") if ends else _CLAUSE_END
    out: list[tuple[int, int]] = []
    a = start
    for m in pattern.finditer(text, start, end):
        if _CJK.search(text[a : m.end()]):
            out.append((a, m.end()))
        a = m.end()
    if a < end and _CJK.search(text[a:end]):
        out.append((a, end))
    return out


def passages(text: str, start: int = 0, end: int | None = None) -> list[Passage]:
    """Clauses of text[start:end] and runs of two consecutive clauses (an answer often takes two)."""
    spans = _clauses(text, start, len(text) if end is None else end)
    out = [Passage(text[a:b], a, b) for a, b in spans]
    for (a, _), (_, b) in zip(spans, spans[1:], strict=False):
        if b - a <= 260:
            out.append(Passage(text[a:b], a, b))
    return out


# -- similarity --------------------------------------------------------------------------------------
def normalise(text: str, settings: Settings) -> str:
    """jieba words with synonyms mapped to one word, joined by spaces (punctuation and digits dropped)."""
    from pipeline.nlp import jieba_words

    syn = rules(settings).synonyms
    words = [syn.get(w, w) for w in jieba_words(text, settings) if _CJK.search(w)]
    return " ".join(words)


def passage_norms(text: str, settings: Settings, start: int = 0, end: int | None = None) -> list[str]:
    """``normalise`` of each of ``passages(text, start, end)``, each clause segmented once.

    A two-clause passage is its clauses' texts with at most a run without Chinese between them,
    each piece ending in a clause end (。！？；… or a line break). jieba cuts such pieces
    independently (a clause end is never inside a word), and that run has no Chinese word, so the
    passage's normalised form is its two clauses' joined by a space (a test checks it).
    """
    spans = _clauses(text, start, len(text) if end is None else end)
    singles = [normalise(text[a:b], settings) for a, b in spans]
    out = list(singles)
    for k, ((a, _), (_, b)) in enumerate(zip(spans, spans[1:], strict=False)):
        if b - a <= 260:
            out.append(" ".join(n for n in (singles[k], singles[k + 1]) if n))
    return out


def _features(normalised: str) -> list[str]:
    words = normalised.split()
    grams = [f"w:{w}" for w in words]
    joined = "".join(words)
    grams += [f"c:{joined[i : i + 2]}" for i in range(len(joined) - 1)]
    return grams


class Matcher:
    """TF-IDF cosine between items and passages, IDF fitted on both (the report's own vocabulary)."""

    def __init__(
        self,
        items: list[str],
        passage_texts: list[str],
        settings: Settings,
        passage_normalised: list[str] | None = None,
    ) -> None:
        """``passage_normalised``: the passages' ``normalise`` already worked out (``passage_norms``)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        if passage_normalised is None:
            passage_normalised = [normalise(t, settings) for t in passage_texts]
        docs = [normalise(t, settings) for t in items] + passage_normalised
        self.n_items = len(items)
        self.vectorizer = TfidfVectorizer(analyzer=_features, sublinear_tf=True)
        if not any(docs):
            self.matrix = None
            return
        self.matrix = self.vectorizer.fit_transform(docs)

    def similarities(self):  # -> np.ndarray (items × passages)
        """The geometric mean of cosine and containment (the share of the item's TF-IDF weight
        found in the passage): cosine alone punishes a passage for saying more than the problem."""
        import numpy as np

        if self.matrix is None:
            return np.zeros((self.n_items, 0))
        items, texts = self.matrix[: self.n_items], self.matrix[self.n_items :]
        cosine = (items @ texts.T).toarray()
        present = texts.copy()
        present.data[:] = 1.0
        weight = np.asarray(items.sum(axis=1)).ravel()
        contained = (items @ present.T).toarray() / np.where(weight > 0, weight, 1.0)[:, None]
        return np.sqrt(np.clip(cosine, 0, None) * np.clip(contained, 0, None))


def similarity(a: str, b: str, settings: Settings | None = None) -> float:
    """The cosine of two texts as the matcher sees them (for measuring pairs)."""
    settings = settings or Settings()
    m = Matcher([a], [b], settings)
    sims = m.similarities()
    return float(sims[0, 0]) if sims.size else 0.0


# -- checking one report -----------------------------------------------------------------------------
def _span(sections: dict[str, Any], part: str) -> tuple[int, int] | None:
    sec = sections.get(part) or {}
    if sec.get("present") and sec.get("start") is not None and sec.get("end") is not None:
        return int(sec["start"]), int(sec["end"])
    return None


def find_part(text: str, settings: Settings) -> tuple[int, int] | None:
    """The report's passage on last year's rectification: the first clause a [part] pattern finds,
    to the end of its paragraph."""
    r = rules(settings)
    for a, b in _clauses(text, 0, len(text), ends="。！？!?"):
        if any(p.search(text[a:b]) for p in r.part):
            para_end = text.find("\n", b)
            end = len(text) if para_end < 0 else para_end
            if _is_heading(text[a:b]):  # a heading: its part runs to the next heading
                end = _next_heading(text, end)
            return a, end
    return None


def _is_heading(line: str) -> bool:
    line = line.strip()
    return bool(_HEADING.match(line)) and len(line) < 40 and not re.search(r"[。；]", line[:-1])


def _next_heading(text: str, pos: int) -> int:
    offset = pos
    for line in text[pos:].split("\n"):
        if line.strip() and offset > pos and _is_heading(line):
            return offset
        offset += len(line) + 1
    return len(text)


def headline(item: str) -> str:
    """The statement of a problem without its manifestation (up to the first 。 or ：)."""
    m = re.search(r"[。：:\n]", item)
    return item[: m.start()] if m and m.start() >= 6 else item


def check(text: str, sections: dict[str, Any], items: list[Item], settings: Settings) -> list[Match]:
    """Each item's status against this report (its clean text and stored sections)."""
    if not items:
        return []
    import numpy as np

    r = rules(settings)
    problems = _span(sections, "problems")
    plans = _span(sections, "plans")
    part = find_part(text, settings)
    cands = passages(text)
    texts = [i.text for i in items] + [headline(i.text) for i in items]
    both = Matcher(texts, [p.text for p in cands], settings, passage_norms(text, settings)).similarities()
    sims = np.maximum(both[: len(items)], both[len(items) :]) if len(cands) else both[: len(items)]
    mutual = _mutual_best(sims, [k for k, p in enumerate(cands) if part and part[0] <= p.start < part[1]])
    out: list[Match] = []
    for n, item in enumerate(items):
        best_answer: tuple[float, Passage] | None = None
        best_repeat: tuple[float, Passage] | None = None
        for k, p in enumerate(cands):
            s = float(sims[n, k])
            in_part = part is not None and part[0] <= p.start < part[1]
            if s < (PART_THRESHOLD if in_part and (n, k) in mutual else MATCH_THRESHOLD):
                continue
            in_problems = not in_part and problems is not None and problems[0] <= p.start < problems[1]
            in_plans = not in_part and plans is not None and plans[0] <= p.start < plans[1]
            if in_plans:
                continue
            strong = any(q.search(p.text) for q in r.answer)
            still = any(q.search(p.text) for q in r.repeat)
            if in_problems or (still and not strong):
                if best_repeat is None or s > best_repeat[0]:
                    best_repeat = (s, p)
            elif (strong or any(q.search(p.text) for q in r.done)) and (
                best_answer is None or s > best_answer[0]
            ):
                best_answer = (s, p)
        if best_answer:
            out.append(Match(item, "answered", best_answer[1], round(best_answer[0], 4)))
        elif best_repeat:
            out.append(Match(item, "repeated", best_repeat[1], round(best_repeat[0], 4)))
        else:
            top = float(sims[n].max()) if sims.shape[1] else 0.0
            out.append(Match(item, "not_mentioned", None, round(top, 4)))
    return out


def _mutual_best(sims: Any, columns: list[int]) -> set[tuple[int, int]]:
    """(item, passage) pairs among ``columns`` where each is the other's most similar."""
    if not columns or not sims.shape[0]:
        return set()
    sub = sims[:, columns]
    out = set()
    for n in range(sub.shape[0]):
        j = int(sub[n].argmax())
        if sub[n, j] > 0 and int(sub[:, j].argmax()) == n:
            out.add((n, columns[j]))
    return out


def unanswered(match: Match) -> bool:
    """Whether a match leaves the problem unanswered: last year's problems repeated or not mentioned;
    a known problem not mentioned at all (stated again, it is at least not dodged)."""
    if match.item.source == LAST_YEAR:
        return match.status != "answered"
    return match.status == "not_mentioned"


# -- over the store ----------------------------------------------------------------------------------
def _unit_key(unit: str | None) -> str:
    return re.sub(r"\s+", "", unit or "")


def check_store(store: Any, settings: Settings) -> dict[str, set[str]]:
    """Check every stored report against its unit's previous report and known problems; store the
    results and return the flags each report gets (``unrectified_problems``). Texts are read from
    the store one report at a time, so memory does not grow with the corpus."""
    reps = store.rectification_inputs()
    known = store.known_problem_rows()
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for r in reps:
        if r["unit"] and r["year"] is not None:
            by_unit.setdefault(_unit_key(r["unit"]), []).append(r)
    known_by_unit: dict[str, list[dict[str, Any]]] = {}
    for k in known:
        known_by_unit.setdefault(_unit_key(k["unit"]), []).append(k)
    rows: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    flags: dict[str, set[str]] = {}
    for r in reps:
        items: list[Item] = []
        key = _unit_key(r["unit"])
        if key and r["year"] is not None:
            earlier = [o for o in by_unit.get(key, []) if o["year"] < r["year"]]
            if earlier:
                prev = max(earlier, key=lambda o: (o["year"], o["path"]))
                prev_text, prev_sections = store.text_and_sections(prev["path"])
                span = _span(prev_sections, "problems")
                if span:
                    items += split_items(prev_text, span[0], span[1], settings, prev["path"])
        if key:
            for k in known_by_unit.get(key, []):
                if k["year"] is None or r["year"] is None or r["year"] >= k["year"]:
                    items.append(Item(k["problem"], k["source"], f"known:{k['id']}"))
        text, sections = store.text_and_sections(r["path"])
        part = find_part(text, settings)
        parts.append(
            {
                "path": r["path"],
                "present": int(part is not None),
                "start": part and part[0],
                "end": part and part[1],
            }
        )
        for seq, m in enumerate(check(text, sections, items, settings)):
            rows.append(
                {
                    "path": r["path"],
                    "seq": seq,
                    "item": m.item.text,
                    "source": m.item.source,
                    "origin": m.item.origin,
                    "status": m.status,
                    "passage": m.passage.text if m.passage else None,
                    "start": m.passage.start if m.passage else None,
                    "end": m.passage.end if m.passage else None,
                    "similarity": m.similarity,
                }
            )
            if unanswered(m):
                flags.setdefault(r["path"], set()).add(FLAG)
    store.replace_rectification(rows, parts)
    return flags


def refresh(store: Any, settings: Settings) -> dict[str, set[str]]:
    """Check again and rescore every report with the stored copy evidence (after importing known
    problems, without a batch)."""
    from types import SimpleNamespace

    from pipeline.batch import copy_flags, rescorer

    rect = check_store(store, settings)
    extra = copy_flags([SimpleNamespace(**p) for p in store.pair_rows()], store.report_years())
    for path, f in rect.items():
        extra.setdefault(path, set()).update(f)
    store.rescore_all(rescorer(extra))
    return rect


def report_view(store: Any, path: str) -> list[dict[str, Any]]:
    """Rows for the report page: each item with its status and the passage that decided it."""
    return [
        {
            "item": r["item"],
            "source": r["source"],
            "status": r["status"],
            "passage": r["passage"],
            "start": r["start"],
            "end": r["end"],
        }
        for r in store.rectification_rows(path)
    ]


def has_part(store: Any, path: str) -> bool | None:
    """Whether the report has a part on last year's rectification (None: not checked yet)."""
    row = store.rectification_part(path)
    return None if row is None else bool(row["present"])


# -- known problems: the reviewers' lists --------------------------------------------------------------
# Column names a sheet may use (English or the Chinese a reviewer's sheet has).
COLUMNS = {
    "unit": ("unit", "单位", "单位名称"),
    "year": ("year", "年度", "年份"),
    "problem": ("problem", "问题", "问题内容"),
    "source": ("source", "来源", "问题来源"),
}


class KnownProblemsError(ShuzhiError, ValueError):
    """A known-problems sheet that cannot be imported (the message names the file and the rows)."""


def _sheet_rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import pandas as pd

        frame = pd.read_excel(path, dtype=str).fillna("")
        return [{str(k).strip(): str(v).strip() for k, v in r.items()} for r in frame.to_dict("records")]
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise KnownProblemsError(f"{path}: not UTF-8 or GB18030 text")
    return [
        {(k or "").strip(): (v or "").strip() for k, v in r.items() if k is not None}
        for r in csv.DictReader(io.StringIO(text))
    ]


def parse_known_problems(path: Path) -> list[dict[str, Any]]:
    """Validated rows (unit, year, problem, source) of a CSV/XLSX sheet; every bad row is named."""
    if not path.is_file():
        raise KnownProblemsError(f"{path}: no such file")
    try:
        rows = _sheet_rows(path)
    except (OSError, ValueError) as exc:
        raise KnownProblemsError(f"{path}: cannot read the sheet ({one_line(str(exc))})") from None
    if not rows:
        raise KnownProblemsError(f"{path}: no rows")
    header = set(rows[0])
    names = {}
    for field, options in COLUMNS.items():
        found = next((o for o in options if o in header), None)
        if found is None and field != "year":
            raise KnownProblemsError(
                f"{path}: missing column {field!r} (expected unit, year, problem, source or 单位, 年度, 问题, 来源)"
            )
        names[field] = found
    out, bad = [], []
    for n, row in enumerate(rows, 2):
        unit, problem = row.get(names["unit"], ""), row.get(names["problem"], "")
        source = row.get(names["source"], "") or "未注明来源"
        year_text = row.get(names["year"], "") if names["year"] else ""
        if not unit and not problem:
            continue
        if not unit or not problem:
            bad.append(f"row {n}: needs both a unit and a problem")
            continue
        year = None
        if year_text:
            try:
                year = int(float(year_text))
            except ValueError:
                bad.append(f"row {n}: year {year_text!r} is not a number")
                continue
        out.append({"unit": unit, "year": year, "problem": problem, "source": source})
    if bad:
        raise KnownProblemsError(f"{path}: " + "; ".join(bad[:5]) + (" …" if len(bad) > 5 else ""))
    if not out:
        raise KnownProblemsError(f"{path}: no problems in the sheet")
    return out


def import_known_problems(path: Path, store: Any, settings: Settings) -> int:
    """Store a sheet's known problems, check every report again and rescore; the number imported."""
    rows = parse_known_problems(path)
    store.replace_known_problems(rows)
    refresh(store, settings)
    return len(rows)


__all__ = [
    "FLAG",
    "Item",
    "Match",
    "check",
    "check_store",
    "find_part",
    "has_part",
    "import_known_problems",
    "refresh",
    "report_view",
    "similarity",
    "split_items",
]
