"""``shuzhi train-lines``: rebuild models/boilerplate_lines.joblib and its card from the team's gold pages.

Training folders hold .ann pages (corpora/gold/ingest and corpora/gold/ingest_unseen, all written by
the team); the held-out folders are measured, never trained on. Every non-blank line that is not a
body sentence is an example, labelled by the gold (remove = 1); the features are those the cleaner
computes (line_model.shape on the rules' view of the page). The threshold is chosen on
leave-one-page-out predictions: the lowest score above every content line the rules keep, plus a
margin, so on the team's pages the model removes no content.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.evaluate import DROP, parse_ann, score_ann_folder
from pipeline.ingest import line_model
from pipeline.ingest.clean import decide
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ("corpora/gold/ingest", "corpora/gold/ingest_unseen", "corpora/gold/lines_train")
HELDOUT = (
    "corpora/gold/ingest_holdout",
    "corpora/gold/ingest_holdout2",
    "corpora/gold/ingest_unseen_holdout",
)
FLOOR = 0.6
COST = 3
C = 4.0


@dataclass
class Example:
    page: str
    text: str
    shape: dict[str, float]
    label: int
    rules_kept: bool


@dataclass
class LinesReport:
    examples: int = 0
    positives: int = 0
    threshold: float = 0.0
    cv_gain: int = 0  # boilerplate lines the rules kept that the model removes (leave-one-page-out)
    cv_rules_missed: int = 0
    cv_content_lost: int = 0
    figures: dict[str, dict] = field(default_factory=dict)
    curve: list[tuple[float, int, int]] = field(default_factory=list)  # (threshold, gain, content lost)


def examples(folders: tuple[str, ...], settings: Settings) -> list[Example]:
    out: list[Example] = []
    for folder in folders:
        for path in sorted((ROOT / folder).glob("*.ann")):
            raw, labels = parse_ann(path.read_text(encoding="utf-8"))
            lines = raw.split("\n")
            norm, reasons = decide(lines, settings, {}, Counter(), {}, [], model=False)
            rule_kept = [i for i, s in enumerate(norm) if s and reasons[i] is None]
            zone = line_model.zones(norm, rule_kept, [i for i, s in enumerate(norm) if s])
            for i, text in enumerate(norm):
                if not text or (i + 1) not in labels or line_model.never_scored(text):
                    continue
                out.append(
                    Example(
                        f"{folder}/{path.name}",
                        text,
                        line_model.shape(text, lines[i], zone[i]),
                        int(labels[i + 1] == DROP),
                        reasons[i] is None,
                    )
                )
    return out


def fit(rows: list[Example]):  # -> (vectorizers, model)
    from sklearn.linear_model import LogisticRegression

    vectorizers = line_model.build_vectorizers()
    x = line_model.matrix(vectorizers, [r.shape for r in rows], [r.text for r in rows], fit=True)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=13)
    model.fit(x, [r.label for r in rows])
    return vectorizers, model


def train(out_dir: Path, settings: Settings | None = None) -> LinesReport:
    import joblib

    settings = settings or Settings()
    rows = examples(TRAIN, settings)
    report = LinesReport(examples=len(rows), positives=sum(r.label for r in rows))
    pages = sorted({r.page for r in rows})
    scored: list[tuple[float, Example]] = []
    for page in pages:  # leave one page out: the threshold is chosen on pages the model did not see
        vec, model = fit([r for r in rows if r.page != page])
        test = [r for r in rows if r.page == page and r.rules_kept]
        if test:
            x = line_model.matrix(vec, [r.shape for r in test], [r.text for r in test])
            scored += list(zip(model.predict_proba(x)[:, 1], test, strict=True))
    # The threshold maximises (furniture removed) - COST x (content removed) on the held-out pages of
    # the cross-validation: losing a line of the report is COST times worse than keeping a line of chrome.
    best = (0.0, 0.99)
    for step in range(int(FLOOR * 100), 100):
        t = step / 100
        gain = sum(1 for p, r in scored if r.label and p >= t)
        lost = sum(1 for p, r in scored if not r.label and p >= t)
        report.curve.append((t, gain, lost))
        if gain - COST * lost > best[0]:
            best = (gain - COST * lost, t)
    report.threshold = best[1]
    report.cv_rules_missed = sum(r.label for _, r in scored)
    report.cv_gain = sum(1 for p, r in scored if r.label and p >= report.threshold)
    report.cv_content_lost = sum(1 for p, r in scored if not r.label and p >= report.threshold)

    vectorizers, model = fit(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    bundle = {"vectorizers": vectorizers, "model": model, "threshold": report.threshold, "version": 1}
    joblib.dump(bundle, out_dir / line_model.MODEL_NAME, compress=3)
    line_model.load.cache_clear()

    run = Settings(model_dir=str(out_dir), lexicon_dir=settings.lexicon_dir)
    for folder in TRAIN + HELDOUT:
        if (ROOT / folder).is_dir():
            total, _ = score_ann_folder(ROOT / folder, run)
            report.figures[folder] = total.as_dict()
    (out_dir / "boilerplate_lines.md").write_text(model_card(report), encoding="utf-8")
    return report


def model_card(r: LinesReport) -> str:
    curve = ", ".join(f"{t:.2f}: +{g}/-{lost}" for t, g, lost in r.curve if round(t * 100) % 5 == 0)
    rows = "\n".join(
        f"| {folder} | {'held out' if folder in HELDOUT else 'training'} | {f['content_kept']:.1%} | "
        f"{f['boilerplate_removed']:.1%} ({f['boilerplate_lines']} lines) | {f['joins_made']:.1%} |"
        for folder, f in r.figures.items()
    )
    return f"""# Model card: boilerplate_lines

Written by `shuzhi train-lines` from the figures it computed; do not edit by hand.

**Task.** Decide whether a line that the boilerplate rules keep is page furniture of a site the rules
have not met (tag lines, app strips, breadcrumbs drawn with new separators, related-article headlines).
It runs after the rules; a line it removes gets the reason `line_model`. Never scored: body sentences
(over {line_model.MAX_SCORED} characters, or 25+ characters with Chinese punctuation), lines closed by 。！？,
headings and numbered items, a date alone, a signature (述职人：…).

**Data.** The team's gold pages: {", ".join(TRAIN)} (every site, name and sentence invented by the team).
{r.examples} line examples, {r.positives} of them furniture. Held out, never trained on: {", ".join(HELDOUT)}.

**Features and model.** Shape (length, shares of Han, digits, Latin letters and punctuation, separators,
numbers, dates, wide gaps in the raw line, sentence end, heading / list item / title look), zone (above the
first body sentence, in the body, below the last) and hashed character 1-2-grams; logistic regression
(C={C}, balanced class weights, seed 13).

**Threshold.** Chosen on leave-one-page-out scores of the lines the rules keep, as the one (from {FLOOR}
up) that maximises furniture removed minus {COST} x content removed = **{r.threshold}** (curve:
{curve}). Leave-one-page-out at that threshold: the rules
kept {r.cv_rules_missed} furniture lines, the model removes {r.cv_gain} of them and {r.cv_content_lost} content lines.

**Figures (rules + model, whole pipeline).**

| set | split | content kept | boilerplate removed | joins |
|---|---|---|---|---|
{rows}
"""
