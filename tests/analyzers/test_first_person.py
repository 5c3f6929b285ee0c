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


# --- 把自己摆进去: headless and collective reports without the secretary (team-written texts) ---

HEADLESS_REPORT = (
    "一、履行职责情况\n"
    "（一）压紧压实主体责任。年初召开专题会议研究部署全年党建任务，签订目标责任书18份，"
    "把党建考核结果与评先评优挂钩，层层传导压力。\n"
    "（二）夯实基层组织基础。全面开展支部规范化建设，新建党群服务站4个，整顿软弱涣散支部2个，"
    "选派12名年轻干部到村任职，补齐了组织力量的短板。\n"
    "（三）抓好党员教育管理。扎实推进主题教育，举办专题读书班3期，组织党员到红色教育基地接受教育，"
    "坚持每月开展主题党日，严格落实“三会一课”制度。\n"
    "（四）推动党建业务融合。围绕产业发展设立党员先锋岗，带动群众发展特色种植800亩，"
    "切实把组织优势转化为发展优势。聚焦乡村治理难题，推行党员联户制度，化解矛盾纠纷37起，"
    "群众满意度明显提升。\n"
    "二、存在的问题\n"
    "一是理论学习的系统性不够，学用结合还有差距；二是部分支部活动形式单一，吸引力不强；"
    "三是对年轻党员的培养还不够精准，发展后劲不足。\n"
    "三、下一步打算\n"
    "持续加强理论武装，细化支部分类指导，完善党员积分管理办法，推动基层党建全面进步。"
)

PERSONAL_REPORT = (
    "一、履行职责情况\n"
    "作为党建第一责任人，我坚持把抓党建作为最大的政绩。全年我主持召开党委会议14次，"
    "专题研究党建工作6次，我带头为全镇党员讲党课3次，走访联系村12个，帮助解决实际困难9件。"
    "同时，健全了书记抓党建的责任清单，推动各支部书记逐级述职。\n"
    "二、存在的问题\n"
    "我对村级支部的日常指导还不够经常，调研多在面上；我抓党建和抓发展的结合还不够紧密，"
    "有时把党建当成软任务。问题的根子在我，主要是自身的责任意识还不够强。\n"
    "三、下一步打算\n"
    "我将每季度到联系村蹲点调研，带头落实党建责任清单，推动党建和发展同频共振。"
)


@pytest.mark.parametrize(
    ("sentence", "headless"),
    [
        pytest.param("（一）压紧压实主体责任，层层传导压力。", True, id="numbered-verb"),
        pytest.param("年初召开专题会议研究部署全年党建任务。", False, id="time-noun-start"),
        pytest.param("一是切实扛起主体责任，带头讲党课5次。", True, id="yishi-adverb"),
        pytest.param("今年以来，坚持每月开展主题党日活动。", True, id="time-lead"),
        pytest.param("我主持召开党委会议14次，研究党建工作。", False, id="personal"),
        pytest.param("党建工作还有差距，发展后劲不足。", False, id="noun-subject"),
        pytest.param("二、存在的问题", False, id="heading"),
    ],
)
def test_headless_sentence(sentence: str, headless: bool) -> None:
    assert first_person.is_headless(sentence) is headless


def test_headless_report_is_flagged_with_evidence() -> None:
    from tests.analyzers.helpers import results_of

    fp = results_of(HEADLESS_REPORT)["first_person"]
    assert fp.personal == 0 and fp.headless >= 5
    assert fp.team_report and fp.absent_share >= first_person.ABSENT_SHARE
    assert "无主语句" in (fp.reason or "")
    assert fp.evidence and all(f.kind == "team_voice" and f.severity == "flag" for f in fp.evidence)
    assert any(f.kind == "headless" for f in fp.findings)


def test_personal_report_is_not_flagged() -> None:
    from tests.analyzers.helpers import results_of

    fp = results_of(PERSONAL_REPORT)["first_person"]
    assert fp.personal >= 6
    assert not fp.team_report and fp.reason is None


def test_short_text_without_wo_is_not_judged() -> None:
    from tests.analyzers.helpers import results_of

    fp = results_of("坚持每月开展主题党日活动，严格落实“三会一课”制度。")["first_person"]
    assert not fp.team_report
