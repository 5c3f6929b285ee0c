"""Copy detection end to end on texts written for the purpose and on the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.similarity import Item, detect

STOCK = "XX局党组书记2024年度抓基层党建工作述职报告\n按照县委组织部要求，现将本人2024年度抓基层党建工作情况报告如下。\n一、履行职责情况\n"
LIST = (
    "（1）建立党组理论学习中心组季度研讨制度，全年研讨4次，撰写调研报告3篇。\n"
    "（2）推行机关党支部“一支部一品牌”，年内评选出示范品牌2个，形成可推广案例。\n"
    "（3）年初布署党员积分管理，按排专人每月汇总积分并在公示栏张贴。\n"
    "（4）对软弱涣散的2个党支部实行班子成员包联，半年内完成整顿验收。\n"
)


def _report(body: str, unit: str = "XX局") -> str:
    return STOCK.replace("XX局", unit) + body + "\n以上报告，请予审议。"


A = _report(
    "我带头落实“第一议题”制度，全年主持党组会议专题研究党建工作9次。\n"
    + LIST
    + "二、存在的问题\n青年干部理论学习不够系统，有5名同志全年未参加集中研讨。\n三、下一步打算\n我将建立青年理论学习小组，每月组织一次读书交流。"
)
B = _report(
    "我坚持每季度到基层所调研，全年走访执法一线14次，解决营商环境投诉处理慢的问题。\n"
    + LIST
    + "二、存在的问题\n执法所党支部组织生活形式单一，去年两次主题党日都以集中观看视频代替。\n三、下一步打算\n我将指导各所围绕执法案例开展主题党日。",
    unit="YY局",
)
C_INDEPENDENT = _report(
    "我坚持把抓党建作为第一职责，组织开展调查研究，完善了农村党员冬春训工作方案。\n"
    "二、存在的问题\n农村党员老龄化，发展年轻党员困难。\n三、下一步打算\n我将每半年召开一次发展党员专题会。",
    unit="ZZ镇",
)
PARAPHRASE = _report(
    "全年我主持召开党组会议9次专门研究党建工作，带头执行“第一议题”学习制度。\n"
    "中心组每季度开展一次专题研讨，一年共研讨四次，形成调研成果三篇。\n"
    "各机关党支部开展“一支部一品牌”创建，评出两个示范品牌。",
    unit="WW局",
)


def _items(*texts: tuple[str, str]) -> list[Item]:
    from pipeline.analyzers import typos
    from pipeline.analyzers.context import Context
    from pipeline.ingest import clean_text

    out = []
    for key, text in texts:
        doc = clean_text(text)
        found = typos.analyze(Context(doc))
        out.append(Item(key, doc.text, typos=tuple((t.text, t.start, t.end) for t in found.typos)))
    return out


def test_copied_list_found_with_both_typos() -> None:
    result = detect(_items(("a", A), ("b", B)))
    assert len(result.pairs) == 1
    pair = result.pairs[0]
    assert (pair.a, pair.b, pair.kind) == ("a", "b", "copy")
    assert pair.shared_typos == ("布署", "按排")
    items = _items(("a", A), ("b", B))
    for p in pair.passages:
        assert items[0].text[p.a_start : p.a_end] == p.text
    assert 0.15 < pair.copy_ratio_b < 0.6
    assert result.clusters == [["a", "b"]]


def test_stock_only_and_paraphrase_are_not_copies() -> None:
    result = detect(_items(("a", A), ("c", C_INDEPENDENT), ("p", PARAPHRASE)))
    assert result.pairs == []


def test_laundered_copy_found() -> None:
    passage = (
        "针对城郊村流动人口多、诉求杂的情况，我推动在4个城郊村设立党员服务站，坚持全心全意为人民服务，"
        "安排党员轮流值守，全年受理群众诉求217件，办结率96%。同时夯实基层基础，把绝大部分党员编入"
        "楼栋网格，比如东塘村把38名党员分到11个网格，每月走访一次，做到谋发展、抓落实两不误。"
    )
    laundered = (
        passage.replace("服务", "效劳")
        .replace("基础", "根底")
        .replace("大部分", "大局部")
        .replace("比如", "比方")
        .replace("谋发展", "谋开展")
    )
    result = detect(
        _items(("src", A + "\n" + passage), ("copy", C_INDEPENDENT + "\n" + laundered), ("other", B))
    )
    pairs = {(p.a, p.b): p for p in result.pairs}
    pair = pairs.get(("src", "copy")) or pairs.get(("copy", "src"))
    assert pair is not None
    assert {"效劳", "根底", "局部", "开展"} & set(pair.shared_typos) == set()  # laundered only on one side
    assert sum(len(q.text) for q in pair.passages) >= 100


def test_same_unit_years_repeat() -> None:
    problems = (
        "二、存在的问题\n对年轻党员思想动态掌握不及时，有2个支部全年谈心谈话不足4次，党员活动室使用率不足三成。"
        "机关第三党支部的主题党日多次以集中看视频代替研讨，党员发言少，会议记录雷同。"
        "对上年巡察反馈的发展党员档案不规范问题，只整改了5本，还有3本没有补齐政审材料。"
    )
    y2023 = Item("2023.txt", _report("我主持会议。\n" + problems), unit="XX局党组", year=2023)
    y2024 = Item(
        "2024.txt",
        _report("我带头讲党课。\n" + problems.replace("不足4次", "不足3次")),
        unit="XX局党组",
        year=2024,
    )
    result = detect([y2023, y2024])
    assert [p.kind for p in result.pairs] == ["repeats_last_year"]


def test_reference_text_gives_template_site() -> None:
    ref = Item("fanwen.txt", _report(LIST * 1), reference=True)
    submitted = _items(("sub.txt", B))[0]
    result = detect([submitted, ref])
    assert [(p.a, p.b, p.kind) for p in result.pairs] == [("sub.txt", "fanwen.txt", "template_site")]


def test_cli_similar_samples(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["similar", "--json", str(samples)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"pairs", "clusters"}
    found = {(Path(p["a"]).name, Path(p["b"]).name): p for p in data["pairs"]}
    copy = found[("2024_district_agri_bureau_copy_a.txt", "2024_district_water_bureau_copy_b.txt")]
    assert copy["shared_typos"] == ["布署", "按排"]
    assert set(copy) == {"a", "b", "similarity", "copy_ratio_a", "copy_ratio_b", "passages", "shared_typos"}
    assert ("2023_university_chem_college.txt", "2024_university_chem_college_repeat.txt") in found
    assert len(found) == 2  # no false copy among the other samples


def test_no_false_copy_among_independent_reports(capsys: pytest.CaptureFixture[str]) -> None:
    """58 texts written independently by the team (eval set and genre corpus): no pair is a copy."""
    from tests.conftest import ROOT

    assert main(["similar", "--json", str(ROOT / "corpora" / "eval"), str(ROOT / "corpora" / "genres")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"pairs": [], "clusters": []}


def test_shared_typos_include_misspellings_no_lexicon_lists() -> None:
    """A copied list carrying a look-alike misspelling (技木) and a same-sound one (布暑) that no
    lexicon names: the open checker finds them in both texts and the pair reports them."""
    lexicons = Path(__file__).resolve().parents[2] / "lexicons"
    listed = (lexicons / "typos.txt").read_text(encoding="utf-8") + (lexicons / "typo_context.txt").read_text(
        encoding="utf-8"
    )
    assert "技木" not in listed and "布暑" not in listed
    copied = LIST.replace("年初布署", "年初布暑").replace("形成可推广案例", "推广信息技木应用案例")
    a = _report("我带头落实“第一议题”制度，全年主持党组会议专题研究党建工作9次。\n" + copied)
    b = _report("我坚持每季度到基层所调研，全年走访执法一线14次。\n" + copied, unit="YY局")
    result = detect(_items(("a", a), ("b", b)))
    [pair] = result.pairs
    assert {"技木", "布暑"} <= set(pair.shared_typos)
