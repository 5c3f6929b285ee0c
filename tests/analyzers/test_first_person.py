from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.analyzers import first_person, sections
from pipeline.analyzers.context import Context, resources
from pipeline.analyzers.first_person import classify_wo
from pipeline.document import Document
from pipeline.ingest import load
from pipeline.nlp import from_spacy
from pipeline.settings import Settings

LEX = resources(Settings()).first_person


@pytest.mark.parametrize(
    ("text", "personal", "collective", "institutional"),
    [
        pytest.param("我主持召开党组会议12次，我带头讲党课。", 2, 0, 0, id="personal"),
        pytest.param("问题的根子在我，关键在我。", 2, 0, 0, id="genzi-zai-wo"),
        pytest.param("我县共有党员3000名，我局党组高度重视。", 0, 0, 2, id="institutional"),
        pytest.param("我区、我委、我院、我中心、我所均已完成。", 0, 0, 5, id="institutional-many"),
        pytest.param("我部署开展了专项整治，我所在的支部全年无违纪。", 2, 0, 0, id="lookalike-verbs"),
        pytest.param("我处理信访件3件，我站在全局高度谋划。", 2, 0, 0, id="lookalike-chu-zhan"),
        pytest.param("我们坚持问题导向，我们党的建设不断加强。", 0, 2, 0, id="women"),
        pytest.param("坚持刀刃向内、自我革命，做到忘我工作。", 0, 0, 0, id="ziwo"),
        pytest.param("我国我党我军", 0, 0, 3, id="national"),
    ],
)
def test_classify_wo(text: str, personal: int, collective: int, institutional: int) -> None:
    kinds = [k for *_, k in classify_wo(text, LEX)]
    assert (kinds.count("personal"), kinds.count("collective"), kinds.count("institutional")) == (
        personal,
        collective,
        institutional,
    )


@pytest.mark.parametrize(
    ("clause", "collective"),
    [
        pytest.param("局党组高度重视基层党建工作。", True, id="ju-dangzu"),
        pytest.param("一年来，党委坚持把党建工作摆在首位。", True, id="time-lead"),
        pytest.param("XX县住建局党组先后召开会议8次。", True, id="unit-name"),
        pytest.param("全局上下形成了抓党建的合力。", True, id="quanju-shangxia"),
        pytest.param("党委一班人团结协作。", True, id="yibanren"),
        pytest.param("支部书记要带头讲党课。", False, id="zhibu-shuji"),
        pytest.param("党建工作还有差距。", False, id="dangjian"),
        pytest.param("我主持召开党委会议。", False, id="personal-subject"),
    ],
)
def test_collective_subject_heuristic(clause: str, collective: bool) -> None:
    assert bool(first_person.collective_subjects_heuristic(clause, LEX)) is collective


def _hand_parsed(words: list[str], heads: list[int], deps: list[str]) -> Context:
    """A spaCy Doc whose heads and deps are set by hand: the parse path without the model."""
    nlp = spacy.blank("zh")
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words), heads=heads, deps=deps)
    parsed = from_spacy(doc)
    return Context(Document(path="<hand>", text=doc.text), parsed_=parsed)


def test_parse_path_counts_subjects_from_dependencies() -> None:
    words = [
        "局",
        "党组",
        "研究",
        "部署",
        "工作",
        "。",
        "班子",
        "成员",
        "带头",
        "落实",
        "。",
        "我",
        "主持",
        "会议",
        "。",
    ]
    heads = [1, 2, 2, 2, 3, 2, 7, 8, 8, 8, 8, 12, 12, 12, 12]
    deps = [
        "compound:nn",
        "nsubj",
        "ROOT",
        "conj",
        "dobj",
        "punct",
        "compound:nn",
        "nsubj",
        "ROOT",
        "conj",
        "punct",
        "nsubj",
        "ROOT",
        "dobj",
        "punct",
    ]
    ctx = _hand_parsed(words, heads, deps)
    assert ctx.parsed.has_parse
    result = first_person.analyze(ctx, sections.analyze(ctx))
    assert result.method == "parse"
    assert result.personal == 1
    assert result.collective == 1  # 党组 as nsubj; 成员 is not an organisation word


def test_parse_path_ignores_objects() -> None:
    words = ["我", "指导", "党委", "开展", "工作", "。"]
    heads = [1, 1, 3, 1, 3, 1]
    deps = ["nsubj", "ROOT", "nsubj", "ccomp", "dobj", "punct"]
    ctx = _hand_parsed(words, heads, deps)
    words2 = ["我", "指导", "党委", "。"]
    ctx2 = _hand_parsed(words2, [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"])
    assert first_person.analyze(ctx, sections.analyze(ctx)).collective == 1
    assert first_person.analyze(ctx2, sections.analyze(ctx2)).collective == 0


@pytest.mark.parametrize(
    ("name", "team"),
    [
        pytest.param("2024_city_housing_bureau_team.txt", True, id="team"),
        pytest.param("2024_county_edu_bureau_good.txt", False, id="good"),
        pytest.param("2024_village_branch_no_headings.txt", False, id="no-headings"),
        pytest.param("2023_middle_school_branch_traditional.txt", False, id="traditional"),
    ],
)
def test_team_report_on_samples(samples: Path, name: str, team: bool) -> None:
    ctx = Context(load(samples / name))
    result = first_person.analyze(ctx, sections.analyze(ctx))
    assert result.team_report is team
    if team:
        assert result.evidence and all(f.severity == "flag" for f in result.evidence)
        assert all(ctx.text[f.start : f.end] for f in result.evidence)


@pytest.mark.parametrize(
    ("sentence", "personal"),
    [
        ("我街道全年新建党群服务站5个。", False),
        ("我社区组织党员志愿服务40次。", False),
        ("我主持召开工委会议11次。", True),
        ("我们坚持把党建放在首位。", False),
    ],
)
def test_one_place_decides_personal_wo(sentence: str, personal: bool) -> None:
    """Sections and balance ask the Context, which asks first_person's lexicon: they cannot disagree."""
    from pipeline.analyzers.context import Context
    from pipeline.ingest import load_bytes

    ctx = Context(load_bytes(sentence.encode(), "s.txt"))
    assert ctx.says_i(0, len(ctx.text)) is personal
